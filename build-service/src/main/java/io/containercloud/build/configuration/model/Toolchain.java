package io.containercloud.build.configuration.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a repository is compiled, which picks the builder image and the generated Dockerfile. */
public enum Toolchain {
  JAVA_MAVEN("java-maven"),
  JAVA_GRADLE("java-gradle"),
  NODE("node"),
  GO("go"),
  /** The repository brings its own Dockerfile and builds in it: no compile step. */
  DOCKERFILE("dockerfile");

  private final String value;

  Toolchain(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }

  /** Whether the image runs on the JVM (heap sized from the limit, the APM agent possible). */
  public boolean java() {
    return this == JAVA_MAVEN || this == JAVA_GRADLE;
  }
}
