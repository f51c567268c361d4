package io.containercloud.build.executor.local;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.local}: how the local executor runs a build's steps in containers.
 *
 * @param runtime the OCI runtime podman and buildah use ({@code runc}: crun fails on hosts with
 *     hybrid cgroups)
 * @param nofile open files per container (explicit: a host without CAP_SYS_RESOURCE cannot raise
 *     limits)
 * @param nproc processes per user in a container
 * @param pids processes per container
 * @param uid the user the steps run as inside their containers
 * @param mirror the Debian mirror builder and base images are made from
 * @param suite the Debian release they are made of
 * @param caches where each tenant's dependency cache lives (Maven's repository, npm's cache)
 * @param images where Debian roots are made before they are imported as images
 */
@Validated
@ConfigurationProperties("platform.build.local")
public record LocalProperties(
    @NotBlank @DefaultValue("runc") String runtime,
    @Min(64) @DefaultValue("1024") int nofile,
    @Min(64) @DefaultValue("1000") int nproc,
    @Min(64) @DefaultValue("1024") int pids,
    @Min(1) @DefaultValue("1000") int uid,
    @NotBlank @DefaultValue("http://deb.debian.org/debian") String mirror,
    @NotBlank @DefaultValue("bookworm") String suite,
    @NotNull Path caches,
    @NotNull Path images) {}
