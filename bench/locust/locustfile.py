"""The proctoring workload for Locust, equivalent to ProctoringSimulation (profile full).

A student arrives (10/s: `-r 10`), uploads one recording chunk every 30 s (start to start) as a
multipart form with the simulation's fields (studentId, examId, seq, size, sha256, then the file
part "file" named <seq>.webm, video/webm), and on its own timer sends a heartbeat (studentId,
examId as a urlencoded form) every 10 s, also while an upload is in flight: like the simulation's
two virtual users per student, the heartbeat has its own connection. The 17.5 MB recording is made
once per process and shared; requests builds each upload's body with `files=`, the way Locust's
documentation writes a multipart upload.

Debian's python3-locust 2.12.1 ships `locust.__version__ == ""`; a worker announces it in
"client_ready", and the master ignores an empty version as "an old (pre 2.0) worker", so no worker
ever joins and a distributed run waits forever. This file sets the version the package really is,
in both places the runners read it, before any runner starts (master and workers import it).

On a busy shared machine a worker building and sending uploads can miss the master's liveness
window (3 heartbeats of 1 s; measured: 16 s without a heartbeat at load average 25): the master
then marks it missing and, with no worker left, stops the test and never reaches its run time. This file widens the window
to 60 s (HEARTBEAT_LIVENESS, read by the master whenever a worker connects); it changes no request
of the workload.
"""

import hashlib
import itertools
import os
import random
import time

import gevent
import locust
import locust.runners
from locust import HttpUser, constant_pacing, task
from locust.clients import HttpSession

if not locust.__version__:
    locust.__version__ = locust.runners.__version__ = "2.12.1"
locust.runners.HEARTBEAT_LIVENESS = 60

RECORDING_SIZE = int(os.environ.get("BENCH_RECORDING_SIZE", "17500000"))
UPLOAD_INTERVAL = float(os.environ.get("BENCH_UPLOAD_INTERVAL", "30"))
HEARTBEAT_INTERVAL = float(os.environ.get("BENCH_HEARTBEAT_INTERVAL", "10"))
EXAM_ID = "30"
TIMEOUT = 60

RECORDING = random.Random(0x5EED2024).randbytes(RECORDING_SIZE)
SHA256 = hashlib.sha256(RECORDING).hexdigest()
_ids = itertools.count(1)


class Student(HttpUser):
    wait_time = constant_pacing(UPLOAD_INTERVAL)

    def on_start(self):
        self.student_id = f"test_{os.getpid()}_{next(_ids)}"
        self.seq = 0
        self.heartbeats = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        self.heartbeating = gevent.spawn(self._heartbeat_loop)

    def on_stop(self):
        self.heartbeating.kill(block=False)

    def _heartbeat_loop(self):
        while True:
            started = time.monotonic()
            self.heartbeats.post(
                "/heartbeat",
                data={"studentId": self.student_id, "examId": EXAM_ID},
                headers={"Accept": "application/json"},
                name="heartbeat",
                timeout=TIMEOUT,
            )
            gevent.sleep(max(0.0, HEARTBEAT_INTERVAL - (time.monotonic() - started)))

    @task
    def upload(self):
        self.seq += 1
        self.client.post(
            "/upload",
            data={
                "studentId": self.student_id,
                "examId": EXAM_ID,
                "seq": str(self.seq),
                "size": str(RECORDING_SIZE),
                "sha256": SHA256,
            },
            files={"file": (f"{self.seq}.webm", RECORDING, "video/webm")},
            headers={"Accept": "application/json"},
            name="upload",
            timeout=TIMEOUT,
        )
