package io.containercloud.build.executor.kubernetes;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.kubernetes}: where and how the kubernetes executor runs a build as a Job.
 *
 * @param kubeconfig the build cluster's kubeconfig (its server, CA and credentials)
 * @param namespacePrefix a tenant's builds run in {@code <prefix><tenant>}
 * @param gitImage the image of the clone step (it needs {@code git} and {@code sh})
 * @param buildkitImage BuildKit rootless, which builds and pushes the image
 * @param builders the compile step's image per toolchain ({@code java-maven: ...}); generated
 *     images start from the platform's base images in its registry ({@code
 *     platform/java-runtime:17}, {@code platform/node-runtime:18}, {@code platform/base:bookworm})
 * @param registryUsername who pushes to the registry (none: the registry takes anonymous pushes)
 * @param registryPassword that user's password or robot secret
 * @param cacheSize the size of each tenant's dependency cache claim
 * @param cacheStorageClass its storage class (none: the cluster's default)
 * @param cacheAccessMode {@code ReadWriteMany}, so that builds on several nodes share it
 * @param ttlAfterFinished how long a finished Job stays for {@code kubectl} (its log is kept by the
 *     platform regardless)
 * @param jobAnnotations annotations every build Job and pod get (a mesh's {@code
 *     sidecar.istio.io/inject: "false"}, for example)
 * @param resync how often the Job and its pod are read again besides their watches
 * @param retry how long to wait before trying an unreachable cluster again
 */
@Validated
@ConfigurationProperties("platform.build.kubernetes")
public record KubernetesProperties(
    Path kubeconfig,
    @NotBlank @Pattern(regexp = "[a-z0-9-]{0,20}") @DefaultValue("build-") String namespacePrefix,
    @NotBlank @DefaultValue("alpine/git:v2.47.2") String gitImage,
    @NotBlank @DefaultValue("moby/buildkit:v0.26.2-rootless") String buildkitImage,
    @NotNull @DefaultValue Map<String, String> builders,
    @Pattern(regexp = "[A-Za-z0-9._@$+-]{1,255}", message = "must be a registry user name")
        String registryUsername,
    String registryPassword,
    @NotBlank @DefaultValue("20Gi") String cacheSize,
    String cacheStorageClass,
    @NotBlank @DefaultValue("ReadWriteMany") String cacheAccessMode,
    @NotNull @DefaultValue("1h") Duration ttlAfterFinished,
    @NotNull @DefaultValue Map<String, String> jobAnnotations,
    @NotNull @DefaultValue("5s") Duration resync,
    @NotNull @DefaultValue("5s") Duration retry) {}
