package io.containercloud.kubesim.junit;

import io.containercloud.kubesim.cluster.KubeSim;
import io.containercloud.kubesim.cluster.KubeSimProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.boot.convert.DurationStyle;

/** Starts the clusters {@link WithKubeSim} asks for and resolves {@link KubeSim} parameters. */
public final class KubeSimExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeSimExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    WithKubeSim settings = context.getRequiredTestClass().getAnnotation(WithKubeSim.class);
    KubeSimProperties properties =
        new KubeSimProperties(
            settings.clusters(),
            settings.nodes(),
            0,
            "room",
            Files.createTempDirectory("kube-sim"),
            settings.nodeCpu(),
            settings.nodeMemory(),
            110,
            "127.0.0.1",
            "127.0.0.1",
            DurationStyle.detectAndParse(settings.podReadyDelay()),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            Duration.ofDays(3650),
            Duration.ofDays(365));
    context.getStore(NAMESPACE).put(KubeSim.class, KubeSim.start(properties));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    KubeSim sim = context.getStore(NAMESPACE).remove(KubeSim.class, KubeSim.class);
    if (sim != null) {
      sim.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KubeSim.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).get(KubeSim.class, KubeSim.class);
  }
}
