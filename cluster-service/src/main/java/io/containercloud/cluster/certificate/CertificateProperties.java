package io.containercloud.cluster.certificate;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Certificate expiry ({@code platform.cluster.certificates.*}).
 *
 * @param checkInterval how often every cluster's certificates are read
 * @param noticeDays days left at which {@code cluster.cert-expiring} is sent, once each
 */
@Validated
@ConfigurationProperties("platform.cluster.certificates")
public record CertificateProperties(
    @NotNull @DefaultValue("1h") Duration checkInterval,
    @NotEmpty @DefaultValue({"30", "7", "1"}) List<Integer> noticeDays) {}
