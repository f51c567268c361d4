package io.containercloud.logagent.checkpoint;

/**
 * A log file, wherever it has been renamed to: its device and inode, and a checksum of its first
 * line, which tells a reused inode from the file it once was.
 */
public record FileIdentity(long device, long inode, long fingerprint) {}
