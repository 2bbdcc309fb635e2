#!/usr/bin/python3
"""Soak run for Parapet (scripts/soak.sh runs it): the reference example (parapet-example) and a FileServer
(parapet-soak-server, which is also the example's backend) under minutes of mixed loopback traffic, then a
check that both processes are alive, that no response was an error but the 429s of rate-limit bursts, and
that open file descriptors and resident memory are back within 10 % of where they were after warm-up.

Traffic, all on 127.0.0.1, for SOAK_SECONDS (default 300) after a warm-up of SOAK_WARMUP_SECONDS (30):
  - HTTP/1.1 keep-alive clients sending GETs for the example's sites (proxied over HTTP/1.1 and h2c);
  - HTTP/1.1 clients on a fresh connection per request, for static files and conditional/range GETs;
  - downloads of a 5 MiB file, direct and through the example, cut off at random points;
  - an h2c client (prior knowledge) to the file server, several streams at once, some reset mid-body;
  - WebSocket upgrades through the example to an echo backend, some dropped without a close frame;
  - bursts from one client address that run into the example's rate limits (429 expected only there).
Needs Debian's python3 with python3-websockets and python3-h2. Exits 1 when a check fails.
"""

import argparse
import asyncio
import http
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import websockets
import websockets.exceptions

LARGE = 5 << 20
BIG = 300_000
EXPECTED = {101, 200, 206, 301, 302, 304}


class Stats:
    def __init__(self):
        self.responses = {}
        self.errors = []
        self.bursts = {200: 0, 429: 0}

    def status(self, kind, status):
        key = (kind, status)
        self.responses[key] = self.responses.get(key, 0) + 1
        if status not in EXPECTED:
            self.error(f"{kind}: unexpected status {status}")

    def error(self, text):
        if len(self.errors) < 50:
            print(f"  error: {text}", flush=True)
        self.errors.append(text)

    def total(self):
        return sum(self.responses.values())


STATS = Stats()


class ClientAddresses:
    """Client addresses sent in X-Forwarded-For (the example trusts its loopback peer): normal traffic
    rotates through enough of them to stay far below every per-client limit; each burst uses a new one."""

    def __init__(self, seconds):
        count = 256 * max(1, -(-seconds // 1800))
        self.normal = [f"100.64.{i // 256}.{i % 256}" for i in range(count)]
        self.next = 0
        self.bursts = 0

    def client(self):
        self.next = (self.next + 1) % len(self.normal)
        return self.normal[self.next]

    def burst(self):
        self.bursts += 1
        return f"198.51.{100 + self.bursts // 250}.{self.bursts % 250 + 1}"


# --- HTTP/1.1 ---------------------------------------------------------------------------------------------


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip()
    return status, fields


async def read_body(reader, status, fields, method="GET", limit=None):
    """Reads the body; with `limit`, stops after that many bytes. Returns (bytes read, complete)."""
    if method == "HEAD" or status in (101, 204, 304):
        return 0, True
    if "content-length" in fields:
        remaining = int(fields["content-length"])
        read = 0
        while remaining > 0:
            if limit is not None and read >= limit:
                return read, False
            chunk = await reader.read(min(remaining, 1 << 16))
            if not chunk:
                raise ConnectionError("body truncated")
            read += len(chunk)
            remaining -= len(chunk)
        return read, True
    if fields.get("transfer-encoding", "").lower() == "chunked":
        read = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return read, True
            await reader.readexactly(size + 2)
            read += size
            if limit is not None and read >= limit:
                return read, False
    data = await reader.read()  # close-delimited
    return len(data), True


def request_bytes(method, path, host, client, extra=None):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "X-Forwarded-Proto: https", f"X-Forwarded-For: {client}"]
    lines += extra or []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


EXAMPLE_PATHS = [
    ("example.com", "/", []),
    ("www.example.com", "/a?b=1", []),  # 301 to example.com
    ("example.com", "/hello.txt", ["Accept-Encoding: gzip, br"]),  # compressed text from the file server
    ("example.com", "/big.bin", []),
    ("mysiteaaa.io", "/page", []),  # 301 to www.
    ("www.mysiteaaa.io", "/index.html", []),
    ("mail.mysiteaaa.io", "/", []),  # 302
    ("myblogaaa.com", "/post/1", []),
    ("www.myblogaaa.com", "/x", []),  # 301
    ("myblogaaa.com", "/style.css", []),
    ("example.com", "/healthz", []),
]


async def keep_alive_client(ports, addresses, stop):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", ports["example"])
        except OSError as error:
            STATS.error(f"keep-alive connect: {error}")
            await asyncio.sleep(0.5)
            continue
        try:
            for _ in range(random.randint(20, 200)):
                if stop.is_set():
                    break
                host, path, extra = random.choice(EXAMPLE_PATHS)
                writer.write(request_bytes("GET", path, host, addresses.client(), extra))
                status, fields = await asyncio.wait_for(read_head(reader), 30)
                await asyncio.wait_for(read_body(reader, status, fields), 60)
                STATS.status("keep-alive", status)
                if fields.get("connection", "").lower() == "close":
                    break
                await asyncio.sleep(random.uniform(0, 0.02))
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
            STATS.error(f"keep-alive: {type(error).__name__} {error}")
        finally:
            writer.close()


FILE_REQUESTS = [
    ("/hello.txt", []),
    ("/index.html", []),
    ("/", []),
    ("/docs/", []),
    ("/docs", []),  # 301 to /docs/
    ("/big.bin", []),
    ("/big.bin", ["Range: bytes=1000-2999"]),
    ("/hello.txt", ["If-None-Match: *"]),  # 304
    ("/missing", []),  # the fallback answers
]


async def fresh_client(ports, addresses, stop):
    while not stop.is_set():
        through_example = random.random() < 0.3
        path, extra = random.choice(FILE_REQUESTS)
        port = ports["example"] if through_example else ports["files"]
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(request_bytes("GET", path, "example.com", addresses.client(), extra))
                status, fields = await asyncio.wait_for(read_head(reader), 30)
                await asyncio.wait_for(read_body(reader, status, fields), 60)
                STATS.status("fresh", status)
            finally:
                writer.close()  # right after the last byte, as curl does
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
            STATS.error(f"fresh {path}: {type(error).__name__} {error}")
        await asyncio.sleep(random.uniform(0, 0.01))


async def aborting_client(ports, addresses, stop):
    while not stop.is_set():
        through_example = random.random() < 0.4
        port = ports["example"] if through_example else ports["files"]
        cutoff = random.randint(0, LARGE)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(request_bytes("GET", "/large.bin", "example.com", addresses.client()))
                status, fields = await asyncio.wait_for(read_head(reader), 30)
                read, complete = await asyncio.wait_for(read_body(reader, status, fields, limit=cutoff), 60)
                STATS.status("abort", status)
                if complete and read != LARGE:
                    STATS.error(f"abort: complete body of {read} bytes")
            finally:
                if random.random() < 0.5:
                    # A reset rather than a FIN.
                    sock = writer.get_extra_info("socket")
                    if sock is not None:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                writer.close()
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
            STATS.error(f"abort: {type(error).__name__} {error}")
        await asyncio.sleep(random.uniform(0, 0.05))


async def burst(ports, addresses):
    """One client address sends 100 requests over 10 keep-alive connections at once: the example's
    per-host limit (20/s) and per-client limit (60/s) answer the rest 429."""
    client = addresses.burst()

    async def connection():
        reader, writer = await asyncio.open_connection("127.0.0.1", ports["example"])
        try:
            for _ in range(10):
                writer.write(request_bytes("GET", "/", "example.com", client))
                status, fields = await asyncio.wait_for(read_head(reader), 30)
                await asyncio.wait_for(read_body(reader, status, fields), 30)
                if status in STATS.bursts:
                    STATS.bursts[status] += 1
                elif status not in EXPECTED:
                    STATS.error(f"burst: unexpected status {status}")
                key = ("burst", status)
                STATS.responses[key] = STATS.responses.get(key, 0) + 1
        finally:
            writer.close()

    results = await asyncio.gather(*(connection() for _ in range(10)), return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            STATS.error(f"burst: {type(result).__name__} {result}")


async def bursts(ports, addresses, stop):
    while not stop.is_set():
        await asyncio.sleep(random.uniform(5, 15))
        if not stop.is_set():
            await burst(ports, addresses)


# --- h2c ---------------------------------------------------------------------------------------------------


async def h2c_client(ports, addresses, stop):
    paths = ["/hello.txt", "/index.html", "/big.bin", "/large.bin", "/missing"]
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", ports["files"])
        except OSError as error:
            STATS.error(f"h2c connect: {error}")
            await asyncio.sleep(0.5)
            continue
        connection = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        streams = {}  # stream id -> [status, bytes read, cutoff]
        started = 0
        total = random.randint(20, 100)
        try:
            while (started < total or streams) and not (stop.is_set() and not streams):
                while started < total and len(streams) < 8 and not stop.is_set():
                    path = random.choice(paths)
                    stream = connection.get_next_available_stream_id()
                    connection.send_headers(stream, [
                        (":method", "GET"), (":scheme", "http"), (":authority", "files.test"), (":path", path),
                        ("x-forwarded-for", addresses.client()),
                    ], end_stream=True)
                    cutoff = random.randint(0, LARGE) if path == "/large.bin" and random.random() < 0.7 else None
                    streams[stream] = [0, 0, cutoff]
                    started += 1
                writer.write(connection.data_to_send())
                data = await asyncio.wait_for(reader.read(1 << 16), 30)
                if not data:
                    raise ConnectionError("server closed the h2c connection")
                for event in connection.receive_data(data):
                    if isinstance(event, h2.events.ResponseReceived):
                        status = int(dict(event.headers)[b":status"])
                        streams[event.stream_id][0] = status
                        STATS.status("h2c", status)
                    elif isinstance(event, h2.events.DataReceived):
                        connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                        state = streams.get(event.stream_id)
                        if state is not None:
                            state[1] += len(event.data)
                            if state[2] is not None and state[1] >= state[2]:
                                connection.reset_stream(event.stream_id)
                                del streams[event.stream_id]
                    elif isinstance(event, h2.events.StreamEnded):
                        streams.pop(event.stream_id, None)
                    elif isinstance(event, h2.events.StreamReset):
                        if event.stream_id in streams:
                            STATS.error(f"h2c: stream reset by the server ({event.error_code})")
                            del streams[event.stream_id]
                    elif isinstance(event, h2.events.ConnectionTerminated):
                        raise ConnectionError(f"GOAWAY {event.error_code}")
                writer.write(connection.data_to_send())
            connection.close_connection()
            writer.write(connection.data_to_send())
        except (OSError, asyncio.TimeoutError, ConnectionError, h2.exceptions.ProtocolError) as error:
            STATS.error(f"h2c: {type(error).__name__} {error}")
        finally:
            writer.close()


# --- WebSocket ---------------------------------------------------------------------------------------------


async def websocket_client(ports, addresses, stop):
    while not stop.is_set():
        try:
            async with websockets.connect(
                "ws://myblogaaa.com/chat", host="127.0.0.1", port=ports["example"], open_timeout=10, close_timeout=5,
                extra_headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": addresses.client()},
            ) as socket_:
                STATS.status("websocket", 101)
                for index in range(random.randint(1, 20)):
                    message = f"message {index} " + "x" * random.randint(0, 4000)
                    await socket_.send(message)
                    echoed = await asyncio.wait_for(socket_.recv(), 10)
                    if echoed != message:
                        STATS.error("websocket: echo differs")
                if random.random() < 0.3:
                    socket_.transport.abort()  # gone without a close frame
        except websockets.exceptions.InvalidStatusCode as error:
            STATS.status("websocket", error.status_code)
        except websockets.exceptions.ConnectionClosedError:
            pass  # after our own abort
        except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as error:
            STATS.error(f"websocket: {type(error).__name__} {error}")
        await asyncio.sleep(random.uniform(0, 0.2))


async def echo(socket_):
    try:
        async for message in socket_:
            await socket_.send(message)
    except websockets.exceptions.ConnectionClosed:
        pass


def plain_http(path, request_headers):
    """The WebSocket backend answers a request that is not an upgrade like a web server would."""
    if request_headers.get("Upgrade", "").lower() != "websocket":
        return http.HTTPStatus.OK, [("Content-Type", "text/plain")], f"wordpress {path}\n".encode()
    return None


# --- processes and measurements ----------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def alive(process):
    return process.poll() is None


async def wait_for_port(port, process, name):
    for _ in range(300):
        if not alive(process):
            sys.exit(f"{name} exited with {process.returncode} before listening")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    sys.exit(f"{name} did not listen on {port}")


def make_site(root):
    os.makedirs(os.path.join(root, "docs"))
    with open(os.path.join(root, "hello.txt"), "w") as file:
        file.write("hello, world\n" * 200)
    with open(os.path.join(root, "index.html"), "w") as file:
        file.write("<h1>soak</h1>\n")
    with open(os.path.join(root, "docs", "index.html"), "w") as file:
        file.write("<h1>docs</h1>\n")
    with open(os.path.join(root, "big.bin"), "wb") as file:
        file.write(os.urandom(BIG))
    with open(os.path.join(root, "large.bin"), "wb") as file:
        file.write(b"Z" * LARGE)


async def traffic(ports, addresses, seconds):
    stop = asyncio.Event()
    workers = (
        [keep_alive_client(ports, addresses, stop) for _ in range(4)]
        + [fresh_client(ports, addresses, stop) for _ in range(3)]
        + [aborting_client(ports, addresses, stop) for _ in range(2)]
        + [h2c_client(ports, addresses, stop)]
        + [websocket_client(ports, addresses, stop) for _ in range(2)]
        + [bursts(ports, addresses, stop)]
    )
    tasks = [asyncio.create_task(worker) for worker in workers]
    await asyncio.sleep(seconds)
    stop.set()
    done, pending = await asyncio.wait(tasks, timeout=90)
    for task in pending:
        task.cancel()
    if pending:
        STATS.error(f"{len(pending)} clients did not stop within 90 s")
    for task in done:
        if task.exception() is not None:
            STATS.error(f"client crashed: {task.exception()!r}")


def snapshot(processes):
    return {name: (descriptors(p.pid), resident_kib(p.pid)) for name, p in processes.items() if alive(p)}


async def settled(processes, baseline=None, limit=30):
    """Samples once the descriptor counts stop changing (connections the clients closed are closed by the
    servers a moment later), or after `limit` seconds."""
    previous = snapshot(processes)
    for _ in range(limit):
        await asyncio.sleep(1)
        current = snapshot(processes)
        steady = all(current[name][0] == previous[name][0] for name in current)
        if steady and (baseline is None or all(within(current[n][0], baseline[n][0]) for n in current)):
            return current
        previous = current
    return previous


def within(value, reference):
    return abs(value - reference) <= 0.10 * reference


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    options = parser.parse_args()
    seconds = int(os.environ.get("SOAK_SECONDS", "300"))
    warmup = int(os.environ.get("SOAK_WARMUP_SECONDS", "30"))
    random.seed(int(os.environ.get("SOAK_SEED", "12")))
    addresses = ClientAddresses(seconds + warmup)

    workdir = tempfile.mkdtemp(prefix="parapet-soak-")
    root = os.path.join(workdir, "www")
    make_site(root)
    ports = {"example": free_port(), "files": free_port(), "websocket": free_port()}
    websocket_server = await websockets.serve(echo, "127.0.0.1", ports["websocket"], process_request=plain_http)

    environment = dict(os.environ, PARAPET_EXAMPLE_ADDR=f"127.0.0.1:{ports['example']}")
    for name in ["EXAMPLE", "EXAMPLE_BACKUP", "MYSITE"]:
        environment[f"PARAPET_EXAMPLE_UPSTREAM_{name}"] = f"http://127.0.0.1:{ports['files']}"
    environment["PARAPET_EXAMPLE_UPSTREAM_EXAMPLE1"] = f"h2c://127.0.0.1:{ports['files']}"
    environment["PARAPET_EXAMPLE_UPSTREAM_WORDPRESS"] = f"http://127.0.0.1:{ports['websocket']}"
    logs = {name: open(os.path.join(workdir, f"{name}.log"), "w") for name in ["example", "files"]}
    processes = {
        "files": subprocess.Popen(
            [os.path.join(options.bin_dir, "parapet-soak-server"), str(ports["files"]), root],
            stdout=logs["files"], stderr=subprocess.STDOUT),
        "example": subprocess.Popen(
            [os.path.join(options.bin_dir, "parapet-example")], env=environment,
            stdout=subprocess.DEVNULL, stderr=logs["example"]),
    }
    try:
        await wait_for_port(ports["files"], processes["files"], "parapet-soak-server")
        await wait_for_port(ports["example"], processes["example"], "parapet-example")
        print(f"soak: example on {ports['example']} (pid {processes['example'].pid}), "
              f"files on {ports['files']} (pid {processes['files'].pid}); logs in {workdir}", flush=True)

        print(f"soak: warm-up {warmup} s", flush=True)
        await traffic(ports, addresses, warmup)
        warm_errors = len(STATS.errors)
        baseline = await settled(processes)
        print(f"soak: after warm-up ({STATS.total()} responses): {describe(baseline)}", flush=True)

        started = time.monotonic()
        reporter = asyncio.create_task(report_every(30, processes, started))
        await traffic(ports, addresses, seconds)
        reporter.cancel()
        elapsed = time.monotonic() - started
        final = await settled(processes, baseline)
        print(f"soak: {seconds} s of traffic done in {elapsed:.0f} s ({STATS.total()} responses): {describe(final)}",
              flush=True)
    finally:
        survivors = {name: alive(p) for name, p in processes.items()}
        for process in processes.values():
            if alive(process):
                process.send_signal(signal.SIGKILL)
                process.wait()
        websocket_server.close()

    failures = []
    for name, is_alive in survivors.items():
        if not is_alive:
            failures.append(f"{name} died (exit {processes[name].returncode}; log {logs[name].name})")
    if STATS.errors:
        failures.append(f"{len(STATS.errors)} errors ({warm_errors} during warm-up), first: {STATS.errors[0]}")
    unexpected_429 = sum(count for (kind, status), count in STATS.responses.items() if status == 429 and kind != "burst")
    if unexpected_429:
        failures.append(f"{unexpected_429} responses outside the bursts were 429")
    if STATS.bursts[429] == 0:
        failures.append("no burst ran into a rate limit")
    for name in baseline:
        if name not in final:
            continue
        (fds0, rss0), (fds1, rss1) = baseline[name], final[name]
        if not within(fds1, fds0):
            failures.append(f"{name}: {fds1} open descriptors, {fds0} after warm-up (more than 10 % apart)")
        if not within(rss1, rss0):
            failures.append(f"{name}: {rss1} KiB resident, {rss0} KiB after warm-up (more than 10 % apart)")

    print("soak: responses by client and status:")
    for (kind, status), count in sorted(STATS.responses.items()):
        print(f"  {kind:>10} {status}: {count}")
    print(f"soak: bursts answered 200: {STATS.bursts[200]}, 429: {STATS.bursts[429]}")
    if failures:
        print("soak: FAILED")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("soak: passed — both processes alive, no error responses but the bursts' 429s, descriptors and "
          "memory within 10 % of the post-warm-up baseline")
    return 0


def describe(sample):
    return ", ".join(f"{name} {fds} fds {rss} KiB RSS" for name, (fds, rss) in sorted(sample.items()))


async def report_every(interval, processes, started):
    while True:
        await asyncio.sleep(interval)
        print(f"soak: {time.monotonic() - started:4.0f} s, {STATS.total()} responses, {len(STATS.errors)} errors, "
              f"{describe(snapshot(processes))}", flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
