package io.containercloud.common.leader;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Which instance this is and whether it leads: for operators and the takeover drill. */
@RestController
class LeadershipResource {

  private final Leadership leadership;

  LeadershipResource(Leadership leadership) {
    this.leadership = leadership;
  }

  record LeadershipView(String instance, boolean leader) {}

  @GetMapping("/leadership")
  LeadershipView get() {
    return new LeadershipView(leadership.instance(), leadership.isLeader());
  }
}
