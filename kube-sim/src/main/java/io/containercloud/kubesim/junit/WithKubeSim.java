package io.containercloud.kubesim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Simulated clusters for the annotated test class, started once before its tests and stopped after
 * them; declare a {@link io.containercloud.kubesim.cluster.KubeSim} parameter to drive them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(KubeSimExtension.class)
public @interface WithKubeSim {

  int clusters() default 3;

  int nodes() default 3;

  /** Allocatable CPU per node, a Kubernetes quantity. */
  String nodeCpu() default "8";

  /** Allocatable memory per node, a Kubernetes quantity. */
  String nodeMemory() default "32Gi";

  /** How long a bound pod takes to turn Ready (ISO-8601 or Spring duration, e.g. 500ms). */
  String podReadyDelay() default "500ms";
}
