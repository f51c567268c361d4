#!/usr/bin/env python3
"""Container logs shipped to Elasticsearch: log-agent against rsyslog (imfile -> omelasticsearch).

Generates CRI log files as the kubelet keeps them (one folder per pod, 200-byte records, 5 % Java
stack traces over six lines, every record numbered `seq=<n>` per file), then ships them, one
shipper after the other, each into its own fresh index of the same Elasticsearch: log-agent (with
kube-sim answering for the pods' metadata), then rsyslog. For each: MiB/s until Elasticsearch
holds every record, the shipper's CPU seconds per GiB (/proc), its peak RSS, and records lost and
duplicated. Then
log-agent again into a null sink (a bulk endpoint that stores nothing), to tell the agent's own
speed from Elasticsearch's. Last line:
  logs agent_mib_s=<a> rsyslog_mib_s=<b> agent_cpu_s_per_gib=<c> rsyslog_cpu_s_per_gib=<d> agent_rss_mb=<e> lost=<f> dup=<g>
(lost and dup are log-agent's, per file by count and sum of offsets, a record's id; rsyslog's are
its documents counted against the lines written.)
"""
import http.server
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ES = "http://127.0.0.1:19200"
MIB = 1024 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")
# as a DaemonSet runs it (log-agent's README, "Memory"): a small heap, the serial collector, the
# client compiler only, native memory given back, two malloc arenas (below)
AGENT_JVM = ["-Xms32m", "-Xmx80m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
             "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=96m", "-XX:TrimNativeHeapInterval=5000"]
PAGE = os.sysconf("SC_PAGE_SIZE")


def es(method, path, body=None, ndjson=False):
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    request = urllib.request.Request(ES + path, data=data, method=method)
    request.add_header("Content-Type", "application/x-ndjson" if ndjson else "application/json")
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{method} {path}: {e.code} {e.read()[:500]!r}") from None


def generate(root, pods, total_bytes):
    """Writes the pods' 0.log files; returns ((records, sum of record offsets) per pod folder,
    physical lines, bytes)."""
    rng = random.Random(42)
    per_pod = total_bytes // len(pods)
    records, lines, written = {}, 0, 0
    for folder in pods:
        os.makedirs(os.path.join(root, folder, "main"))
        seq, size, offsets = 0, 0, 0
        now = time.time()
        with open(os.path.join(root, folder, "main", "0.log"), "w", buffering=1 << 20) as out:
            while size < per_pod:
                seq += 1
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now + seq / 1000.0))
                stamp += ".%09dZ" % (seq % 1000 * 1000000)
                if rng.random() < 0.05:
                    text = (
                        f"{stamp} stderr F ERROR seq={seq} java.lang.IllegalStateException: failed\n"
                        f"{stamp} stderr F \tat io.example.Service.handle(Service.java:42)\n"
                        f"{stamp} stderr F \tat io.example.Server.run(Server.java:17)\n"
                        f"{stamp} stderr F Caused by: java.io.IOException: broken pipe\n"
                        f"{stamp} stderr F \tat io.example.Client.send(Client.java:88)\n"
                        f"{stamp} stderr F \t... 2 more\n")
                    lines += 6
                else:
                    head = f"{stamp} stdout F INFO seq={seq} "
                    text = head + "x" * max(1, 199 - len(head)) + "\n"
                    lines += 1
                offsets += size
                out.write(text)
                size += len(text)
        records[folder] = (seq, offsets)
        written += size
    return records, lines, written


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def es_pid():
    out = subprocess.run(["pgrep", "-f", "org.elasticsearch.bootstrap.Elasticsearch"], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else None


def count(index):
    try:
        es("POST", f"/{index}/_refresh?allow_no_indices=true&ignore_unavailable=true")
        return es("POST", f"/{index}/_count?allow_no_indices=true&ignore_unavailable=true", {})["count"]
    except RuntimeError:
        return 0  # an index being made: its shard is not up yet


def await_count(index, expected, pid, started, stall_s=90):
    """Polls until the index holds `expected` documents; returns (seconds, cpu s, rss MiB)."""
    last, last_change = -1, time.time()
    peak = 0.0
    while True:
        peak = max(peak, peak_rss_mb(pid))
        n = count(index)
        if n >= expected:
            return time.time() - started, cpu_seconds(pid), max(peak, peak_rss_mb(pid))
        if n != last:
            last, last_change = n, time.time()
        elif time.time() - last_change > stall_s:
            return None, cpu_seconds(pid), peak
        time.sleep(0.5)


def agent_lost_and_duplicated(index, records):
    """Per file, the records log-agent stored against the ones written: how many, and the sum of
    their offsets (a record's offset is its id; a loss and a duplicate of another record would
    change the sum)."""
    body = {"size": 0, "aggs": {"pods": {"terms": {"field": "pod", "size": 1000},
                                         "aggs": {"n": {"value_count": {"field": "offset"}},
                                                  "sum": {"sum": {"field": "offset"}}}}}}
    found = {b["key"]: (b["n"]["value"], b["sum"]["value"])
             for b in es("POST", f"/{index}/_search", body)["aggregations"]["pods"]["buckets"]}
    lost = dup = 0
    for folder, (n, offsets) in records.items():
        stored, total = found.get(folder.split("_")[1], (0, 0))
        lost += max(0, n - stored)
        dup += max(0, stored - n)
        if stored == n and total != offsets:
            lost, dup = lost + 1, dup + 1
    return lost, dup


class NullSink(http.server.BaseHTTPRequestHandler):
    """An Elasticsearch that stores nothing: every bulk item created, every other call answered."""
    protocol_version = "HTTP/1.1"
    records = 0

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def do_POST(self):
        body = self.body()
        if "_bulk" in self.path:
            ops = body.count(b"\n") // 2
            NullSink.records += ops
            items = ",".join(['{"create":{"_index":"null","_id":"null","status":201}}'] * ops)
            self.reply(200, '{"errors":false,"took":0,"items":[' + items + "]}")
        else:
            self.reply(200, "{}")

    def do_GET(self):
        if self.path.startswith("/_index_template"):
            self.reply(200, '{"index_templates":[{"name":"container-logs","index_template":{"version":999}}]}')
        elif self.path.startswith("/_cluster/health"):
            self.reply(200, '{"status":"green"}')
        else:
            self.reply(200, '{"version":{"number":"8.19.0"},"tagline":"null sink"}')

    do_PUT = do_POST

    def reply(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def run_agent(jar, work, pods_root, kubeconfig, es_uri):
    state = tempfile.mkdtemp(prefix="agent-state-", dir=work)
    command = ["java", *AGENT_JVM, *os.environ.get("BENCH_AGENT_OPTS", "").split(), "-jar", jar,
               "--server.port=0", "--platform.log-agent.node=room-1-node-1", "--platform.log-agent.cluster=room-1",
               f"--platform.log-agent.pod-logs={pods_root}", f"--platform.log-agent.state-dir={state}",
               f"--platform.log-agent.kubeconfig={kubeconfig}", f"--platform.elasticsearch.uris={es_uri}",
               "--platform.log-agent.tail.pod-rate=1GB"]
    with open(os.path.join(work, "agent.log"), "a") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, MALLOC_ARENA_MAX="2"))
    started = time.time()
    return process, started


def main():
    work = sys.argv[1]
    agent_jar, kubeconfig, api, token = sys.argv[2:6]
    total_mb = int(os.environ.get("BENCH_LOG_MB", "1024"))
    pod_count = int(os.environ.get("BENCH_PODS", "8"))
    run = "%x" % int(time.time())
    tenant = "bench" + run

    # the pods, so the agent finds their metadata; their log folders named as the kubelet names them
    ctx = __import__("ssl")._create_unverified_context()
    def kube(method, path, body):
        request = urllib.request.Request(api + path, data=json.dumps(body).encode(), method=method)
        request.add_header("Authorization", "Bearer " + token)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, context=ctx) as response:
            return json.load(response)
    kube("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": tenant}})
    folders = []
    for i in range(pod_count):
        pod = kube("POST", f"/api/v1/namespaces/{tenant}/pods", {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"talker-{i}", "labels": {"containercloud.io/tenant": tenant, "app.kubernetes.io/name": "talker"}},
            "spec": {"nodeName": "room-1-node-1", "containers": [{"name": "main", "image": "r/talker:1"}]}})
        folders.append(f"{tenant}_talker-{i}_{pod['metadata']['uid']}")
    pods_root = os.path.join(work, "pods")
    t0 = time.time()
    records, lines, written = generate(pods_root, folders, total_mb * MIB)
    expected_records = sum(n for n, _ in records.values())
    print(f"logs files={len(folders)} mib={written / MIB:.0f} records={expected_records} lines={lines} generated_s={time.time() - t0:.1f}", flush=True)
    gib = written / (1024 * MIB)
    es_before = cpu_seconds(es_pid()) if es_pid() else 0

    # 1. log-agent into Elasticsearch
    index = f"container-logs-{tenant}.*"
    process, started = run_agent(agent_jar, work, pods_root, kubeconfig, ES)
    seconds, cpu, rss = await_count(index, expected_records, process.pid, started)
    es_mid = cpu_seconds(es_pid()) if es_pid() else 0
    process.send_signal(signal.SIGTERM)
    process.wait(60)
    a_lost, a_dup = agent_lost_and_duplicated(index, records)
    agent_mib_s = written / MIB / seconds if seconds else 0.0
    print(f"logs shipper=log-agent seconds={seconds or 0:.1f} mib_s={agent_mib_s:.1f} cpu_s={cpu:.1f} cpu_s_per_gib={cpu / gib:.1f} rss_mb={rss:.0f} es_cpu_s={es_mid - es_before:.1f} lost={a_lost} dup={a_dup}", flush=True)

    # 2. rsyslog into Elasticsearch
    r_index = f"bench-rsyslog-{run}"
    es("PUT", f"/{r_index}", {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
                              "mappings": {"properties": {"@timestamp": {"type": "date"}, "message": {"type": "text"}, "file": {"type": "keyword"}}}})
    spool = os.path.join(work, "rsyslog")
    os.makedirs(spool)
    conf = os.path.join(work, "rsyslog.conf")
    with open(conf, "w") as out:
        out.write(f"""global(workDirectory="{spool}")
module(load="imfile" mode="inotify")
module(load="omelasticsearch")
template(name="doc" type="list" option.jsonf="on") {{
  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
  property(outname="file" name="$!metadata!filename" format="jsonf")
}}
input(type="imfile" File="{pods_root}/*/main/0.log" Tag="pods" addMetadata="on" freshStartTail="off" ruleset="ship")
ruleset(name="ship") {{
  action(type="omelasticsearch" server="127.0.0.1" serverport="19200" usehttps="off" searchIndex="{r_index}"
         template="doc" bulkmode="on" maxbytes="4m" esVersion.major="8" queue.type="linkedlist"
         queue.size="200000" queue.dequeuebatchsize="2000" action.resumeretrycount="-1")
}}
""")
    with open(os.path.join(work, "rsyslog.log"), "a") as log:
        rsyslog = subprocess.Popen(["rsyslogd", "-n", "-f", conf, "-i", os.path.join(work, "rsyslog.pid")], stdout=log, stderr=subprocess.STDOUT)
    started = time.time()
    r_seconds, r_cpu, r_rss = await_count(r_index, lines, rsyslog.pid, started)
    es_after = cpu_seconds(es_pid()) if es_pid() else 0
    rsyslog.send_signal(signal.SIGTERM)
    rsyslog.wait(60)
    r_docs = count(r_index)  # rsyslog ships lines, not records: counted against the lines written
    r_lost, r_dup = max(0, lines - r_docs), max(0, r_docs - lines)
    rsyslog_mib_s = written / MIB / r_seconds if r_seconds else 0.0
    print(f"logs shipper=rsyslog seconds={r_seconds or 0:.1f} mib_s={rsyslog_mib_s:.1f} cpu_s={r_cpu:.1f} cpu_s_per_gib={r_cpu / gib:.1f} rss_mb={r_rss:.0f} es_cpu_s={es_after - es_mid:.1f} lost={r_lost} dup={r_dup}", flush=True)

    # 3. log-agent into a null sink: the agent's own speed, Elasticsearch out of the way
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NullSink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    process, started = run_agent(agent_jar, work, pods_root, kubeconfig, f"http://127.0.0.1:{sink.server_address[1]}")
    while NullSink.records < expected_records and process.poll() is None:
        time.sleep(0.2)
    n_seconds = time.time() - started
    n_cpu = cpu_seconds(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(60)
    sink.shutdown()
    print(f"logs shipper=log-agent sink=null seconds={n_seconds:.1f} mib_s={written / MIB / n_seconds:.1f} cpu_s={n_cpu:.1f} cpu_s_per_gib={n_cpu / gib:.1f} (includes the JVM's start)", flush=True)
    if rsyslog_mib_s:
        print(f"logs ratio agent/rsyslog mib_s={agent_mib_s / rsyslog_mib_s:.2f} cpu_per_gib={cpu / max(r_cpu, 0.001):.2f}")

    print(f"logs agent_mib_s={agent_mib_s:.1f} rsyslog_mib_s={rsyslog_mib_s:.1f} agent_cpu_s_per_gib={cpu / gib:.1f} "
          f"rsyslog_cpu_s_per_gib={r_cpu / gib:.1f} agent_rss_mb={rss:.0f} lost={a_lost} dup={a_dup}")
    for index_ in (f"container-logs-{tenant}.*", r_index):
        try:
            es("DELETE", f"/{index_}")
        except Exception:
            pass


if __name__ == "__main__":
    main()
