package io.containercloud.kubesim.junit;

import io.containercloud.kubesim.cluster.KubeSim;
import io.containercloud.kubesim.cluster.KubeSimProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
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
            freePorts(settings.clusters()),
            "room",
            Files.createTempDirectory("kube-sim"),
            settings.nodeCpu(),
            settings.nodeMemory(),
            110,
            "127.0.0.1",
            "127.0.0.1",
            DurationStyle.detectAndParse(settings.podReadyDelay()),
            Duration.ofMillis(100),
            Duration.ofSeconds(1));
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

  /** The first of {@code count} consecutive free loopback ports. */
  private static int freePorts(int count) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      boolean free = true;
      for (int i = 0; i < count && free; i++) {
        try (ServerSocket socket =
            new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new UncheckedIOException(new IOException("no " + count + " consecutive free ports"));
  }
}
