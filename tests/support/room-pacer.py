"""Passes raw audio from stdin to stdout, and drops a delay that stands (bytes per second, argv[1]).

The last stage of a simulated room's chain (tests/support/rooms.ts). When any process of the
chain, or PulseAudio, stalls, the audio held back arrives later in a burst, and a pipe keeps that
delay for good: a 300 ms stall of the reader added 274 ms to the room, and a browser starting up
added 170-630 ms. Here, audio that has waited the whole of the last second (a standing queue,
not the jitter of the processes' steps) is dropped, oldest first, down to a 30 ms cushion, as a
real room would have played it in its time. The output pipe is shrunk to one page, so little can
wait there. Why these figures: docs/rooms.md. ROOM_PACER_LOG names a file to log each drop to.
"""

import fcntl
import os
import select
import sys
import time

F_SETPIPE_SZ = 1031
FRAME = 4  # float32 mono
WINDOW_S = 1.0

rate = int(sys.argv[1])
keep_standing = rate * 3 // 100 // FRAME * FRAME  # 30 ms may stand: a cushion against the steps of the processes
inp = sys.stdin.fileno()
out = sys.stdout.fileno()
try:
    fcntl.fcntl(out, F_SETPIPE_SZ, 4096)
except OSError:
    pass
os.set_blocking(out, False)
queue = bytearray()
written = 0  # bytes written so far: a frame begun must be finished before anything is dropped
lowest = 0  # the least the queue held since the window began
window_end = time.monotonic() + WINDOW_S
while True:
    readable, writable, _ = select.select([inp], [out] if queue else [], [], WINDOW_S)
    if readable:
        data = os.read(inp, 65536)
        if not data:
            break
        queue += data
    if queue and writable:
        try:
            n = os.write(out, queue)
        except BlockingIOError:
            n = 0
        except BrokenPipeError:
            break
        del queue[:n]
        written += n
    lowest = min(lowest, len(queue))
    now = time.monotonic()
    if now >= window_end:
        begun = (FRAME - written % FRAME) % FRAME
        drop = lowest - keep_standing - begun
        drop -= drop % FRAME
        if drop > 0:
            del queue[begun : begun + drop]
            if os.environ.get("ROOM_PACER_LOG"):
                with open(os.environ["ROOM_PACER_LOG"], "a") as log:
                    print(f"{now:.2f} dropped {drop / rate * 1000:.1f} ms", file=log)
        lowest = len(queue)
        window_end = now + WINDOW_S
