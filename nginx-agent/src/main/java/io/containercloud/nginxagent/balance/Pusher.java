package io.containercloud.nginxagent.balance;

import io.containercloud.nginxagent.balance.PeerPush.Answer;
import io.containercloud.nginxagent.balance.PeerPush.Member;
import io.containercloud.nginxagent.balance.PeerPush.State;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps nginx's Lua balancer in step with the upstreams: pushes the states of those whose members
 * changed, in one request at one version, everything again after nginx reloaded or restarted (a
 * restart empties the shared dict), and forgets upstreams it no longer balances. Versions only
 * grow, from what nginx holds on: a new agent next to a running nginx goes on from nginx's newest.
 * One thread pushes.
 */
public final class Pusher {

  private final PeerPush push;
  private final JsonMapper json;
  private final Map<String, List<Member>> pushed = new HashMap<>();
  private long version;
  private Optional<Long> pushedTo = Optional.empty();

  public Pusher(PeerPush push, JsonMapper json) {
    this.push = push;
    this.json = json;
  }

  /**
   * Makes nginx hold {@code states}, by upstream: only what changed, unless {@code everything} or
   * nginx's master is no longer {@code master} the states were pushed to.
   */
  public void push(Map<String, List<Member>> states, boolean everything, Optional<Long> master)
      throws IOException {
    if (everything || !master.equals(pushedTo)) {
      pushed.clear();
      Map<String, Long> held = push.versions();
      version = Math.max(version, held.values().stream().mapToLong(v -> v).max().orElse(0));
      for (String name : held.keySet()) {
        if (!states.containsKey(name)) {
          answered(push.delete(name), "upstream " + name);
        }
      }
      pushedTo = master;
    }
    Map<String, List<Member>> changed = new TreeMap<>();
    states.forEach(
        (name, members) -> {
          if (!members.equals(pushed.get(name))) {
            changed.put(name, members);
          }
        });
    if (!changed.isEmpty()) {
      put(changed);
    }
    for (String name : List.copyOf(pushed.keySet())) {
      if (!states.containsKey(name)) {
        answered(push.delete(name), "upstream " + name);
        pushed.remove(name);
      }
    }
  }

  /** The version of the last state pushed (0 before any). */
  public long version() {
    return version;
  }

  /** Whether nginx's master is another than the one the states were pushed to. */
  public boolean restarted(Optional<Long> master) {
    return !Objects.equals(master, pushedTo);
  }

  /** One request for all of them (a switch of several upstreams is served at once). */
  private void put(Map<String, List<Member>> changed) throws IOException {
    Answer answer = push.put(at(++version, changed));
    if (answer.status() == 409) { // nginx holds a newer one (another agent was here): go past it
      version = Math.max(version, json.readTree(answer.body()).path("held").asLong());
      answer = push.put(at(++version, changed));
    }
    answered(answer, "upstreams " + String.join(", ", changed.keySet()));
    pushed.putAll(changed);
  }

  private static Map<String, State> at(long version, Map<String, List<Member>> changed) {
    Map<String, State> states = new TreeMap<>();
    changed.forEach((name, members) -> states.put(name, new State(version, members)));
    return states;
  }

  private static void answered(Answer answer, String what) throws IOException {
    if (!answer.ok()) {
      throw new IOException(
          "nginx refused the state of " + what + ": " + answer.status() + " " + answer.body());
    }
  }
}
