package io.containercloud.build.registry.oci;

import io.containercloud.build.registry.oci.Manifests.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * Copies a tagged image from one registry to another through the OCI distribution API, only what
 * the destination lacks: an index's manifests, each manifest's config and layers (blobs the
 * destination has are skipped, mounted from the source repository within one registry, streamed
 * otherwise), every digest and size checked, and the tag put last, so a destination never shows a
 * tag whose content is not all there. A tag already on the same digest costs one request.
 */
public final class ImageCopy {

  /** What a copy did. */
  public enum Outcome {
    /** The destination's tag now points at the source's digest. */
    COPIED,
    /** The destination's tag pointed at that digest already. */
    SKIPPED,
    /** The source's tag moved on from the digest asked for: the copy of the newer one sets it. */
    SUPERSEDED
  }

  /**
   * @param digest the manifest's digest, the same in both registries
   * @param bytes what was transferred: manifests and blobs, not what was skipped or mounted
   */
  public record Result(
      String digest,
      Outcome outcome,
      int blobsCopied,
      int blobsSkipped,
      int blobsMounted,
      long bytes) {}

  private final ExecutorService transfers;
  private final long chunkSize;
  private final JsonMapper json;

  /**
   * @param transfers where blobs are copied, side by side up to its threads
   * @param chunkSize blobs larger than this are uploaded in chunks of this size
   */
  public ImageCopy(ExecutorService transfers, long chunkSize, JsonMapper json) {
    this.transfers = transfers;
    this.chunkSize = chunkSize;
    this.json = json;
  }

  /**
   * Copies {@code sourceRepository:tag} to {@code destinationRepository:tag}: the digest {@code
   * digest} when given (a push's), else whatever the tag points at now. A given digest the source's
   * tag no longer points at when the copy would put the tag is {@link Outcome#SUPERSEDED}: an older
   * push's copy never sets the tag back.
   */
  public Result copy(
      OciClient source,
      String sourceRepository,
      String tag,
      String digest,
      OciClient destination,
      String destinationRepository)
      throws OciException {
    String reference = digest != null ? digest : tag;
    OciClient.Manifest manifest =
        source
            .manifest(sourceRepository, reference)
            .orElseThrow(
                () -> new OciException("the source has no " + sourceRepository + ":" + reference));
    if (destination
        .manifestDigest(destinationRepository, tag)
        .filter(manifest.digest()::equals)
        .isPresent()) {
      return new Result(manifest.digest(), Outcome.SKIPPED, 0, 0, 0, 0);
    }
    Counts counts = new Counts();
    Transfer transfer =
        new Transfer(source, sourceRepository, destination, destinationRepository, counts);
    if (Manifests.isIndex(manifest.mediaType())) {
      for (Descriptor child : Manifests.children(json, manifest.content())) {
        if (destination.manifestDigest(destinationRepository, child.digest()).isPresent()) {
          continue;
        }
        OciClient.Manifest image =
            source
                .manifest(sourceRepository, child.digest())
                .orElseThrow(
                    () ->
                        new OciException(
                            "the source's index names " + child.digest() + ", which it lacks"));
        transfer.blobs(Manifests.blobs(json, image.content()));
        destination.putManifest(destinationRepository, image.digest(), image);
        counts.bytes.addAndGet(image.content().length);
      }
    } else {
      transfer.blobs(Manifests.blobs(json, manifest.content()));
    }
    if (digest != null
        && !source.manifestDigest(sourceRepository, tag).filter(digest::equals).isPresent()) {
      return new Result(manifest.digest(), Outcome.SUPERSEDED, 0, 0, 0, 0);
    }
    destination.putManifest(destinationRepository, tag, manifest);
    counts.bytes.addAndGet(manifest.content().length);
    return new Result(
        manifest.digest(),
        Outcome.COPIED,
        counts.copied.get(),
        counts.skipped.get(),
        counts.mounted.get(),
        counts.bytes.get());
  }

  private static final class Counts {
    final AtomicInteger copied = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicInteger mounted = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
  }

  private final class Transfer {

    private final OciClient source;
    private final String sourceRepository;
    private final OciClient destination;
    private final String destinationRepository;
    private final Counts counts;

    Transfer(
        OciClient source,
        String sourceRepository,
        OciClient destination,
        String destinationRepository,
        Counts counts) {
      this.source = source;
      this.sourceRepository = sourceRepository;
      this.destination = destination;
      this.destinationRepository = destinationRepository;
      this.counts = counts;
    }

    /** Every blob side by side; the first failure is the copy's, once all have ended. */
    void blobs(List<Descriptor> blobs) throws OciException {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Descriptor blob : blobs.stream().distinct().toList()) {
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    blob(blob);
                  } catch (OciException e) {
                    throw new CompletionException(e);
                  }
                },
                transfers));
      }
      try {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
      } catch (InterruptedException e) {
        all.forEach(one -> one.cancel(true));
        Thread.currentThread().interrupt();
        throw new OciException("interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause =
            e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
        throw cause instanceof OciException oci
            ? oci
            : new OciException("copying a blob failed: " + cause, cause);
      }
    }

    private void blob(Descriptor blob) throws OciException {
      if (destination.hasBlob(destinationRepository, blob.digest())) {
        counts.skipped.incrementAndGet();
        return;
      }
      if (destination.sameRegistry(source)
          && destination.mountBlob(destinationRepository, blob.digest(), sourceRepository)) {
        counts.mounted.incrementAndGet();
        return;
      }
      try (InputStream body = source.blob(sourceRepository, blob.digest());
          Digests.Digesting read = new Digests.Digesting(body)) {
        try {
          destination.putBlob(destinationRepository, blob.digest(), blob.size(), read, chunkSize);
        } catch (OciException e) {
          if (read.failure() != null) {
            throw new OciException(
                "reading blob " + blob.digest() + " from the source: " + why(read.failure()), e);
          }
          throw e;
        }
        // the destination checks the digest too; a registry that would not is caught here
        if (read.count() != blob.size() || !read.digest().equals(blob.digest())) {
          throw new OciException(
              "blob " + blob.digest() + " from the source does not match its digest and size");
        }
      } catch (IOException e) {
        throw new OciException("reading blob " + blob.digest() + ": " + e.getMessage(), e);
      }
      counts.copied.incrementAndGet();
      counts.bytes.addAndGet(blob.size());
    }

    /** The innermost message: a stream's failure wraps the reason (a read timeout) in others. */
    private static String why(Throwable failure) {
      Throwable cause = failure;
      while (cause.getCause() != null && cause.getCause().getMessage() != null) {
        cause = cause.getCause();
      }
      return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
  }
}
