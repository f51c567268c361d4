package io.containercloud.logagent.checkpoint;

import io.containercloud.logagent.model.Position;
import io.containercloud.logagent.source.ContainerMetadata;

/**
 * How far a file has been shipped: every record before {@code position} is in Elasticsearch.
 *
 * @param identity the file
 * @param generation how many times the file was found truncated: part of each record's id, so lines
 *     written after a truncation never collide with the ones before it
 * @param path where the file was last found
 * @param position where reading starts again
 * @param metadata who wrote it, fixed when the file was first read
 */
public record Checkpoint(
    FileIdentity identity,
    int generation,
    String path,
    Position position,
    ContainerMetadata metadata) {

  public Checkpoint at(Position next) {
    return new Checkpoint(identity, generation, path, next, metadata);
  }
}
