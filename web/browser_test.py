#!/usr/bin/env python3
"""Loads the web viewer in headless Chromium over the DevTools protocol, waits for a drawn frame,
presses keys (next scenario, hide the list, step forward, next observer), and checks that each
screenshot is a real picture that the keys changed, and that the page logged no error.

Usage: browser_test.py URL OUT.png   (exit 0 on success, 1 on failure, with the reason)
Needs: chromium, python3-websocket (Debian) or `pip install websocket-client`.
"""

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

import websocket  # python3-websocket / websocket-client

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,760",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]
FIRST_FRAME_TIMEOUT = float(os.environ.get("FIRST_FRAME_TIMEOUT", "240"))
MIN_COLOURS = 40  # a blank or single-colour page has 1-3; a drawn frame with text has hundreds


def png_pixels(data):
    """Decodes an 8-bit RGB or RGBA non-interlaced PNG (what Chromium writes) to (w, h, rows)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG format"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def colours(png):
    """Distinct colours above the page's key bar, sampled every 2 px."""
    w, h, bpp, rows = png_pixels(png)
    seen = set()
    for y in range(0, h - 40, 2):
        row = rows[y]
        for x in range(0, w, 2):
            seen.add(row[x * bpp : x * bpp + 3])
    return len(seen)


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.errors = []
        self.first_frame_at = None  # epoch seconds of the viewer's "first frame drawn" log line

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.event(msg)

    def event(self, msg):
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.exceptionThrown":
            text = json.dumps(params.get("exceptionDetails", {}))[:500]
            # winit throws this on purpose to take over the event loop.
            if "Using exceptions for control flow" not in text:
                self.errors.append("exception: " + text)
        elif method == "Runtime.consoleAPICalled" and self.first_frame_at is None:
            text = " ".join(str(a.get("value", "")) for a in params.get("args", []))
            if "first frame drawn" in text:
                self.first_frame_at = params["timestamp"] / 1000.0
        if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            if "Using exceptions for control flow" not in text:
                self.errors.append("console.error: " + text[:500])

    def pump(self, seconds):
        """Lets time pass while collecting console events."""
        end = time.time() + seconds
        self.ws.settimeout(0.2)
        while time.time() < end:
            try:
                self.event(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                pass
        self.ws.settimeout(60)

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def key(self, key, code, vk):
        for kind in ("keyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=vk,
                nativeVirtualKeyCode=vk,
            )
            self.pump(0.15)  # let a frame see the key held, then released
        self.pump(1.5)


def settle(page, label):
    """Waits until two screenshots in a row are equal (the frame after the key is drawn)."""
    last = page.screenshot()
    for _ in range(20):
        page.pump(1.0)
        shot = page.screenshot()
        if shot == last:
            return shot
        last = shot
    print(f"note: {label}: the picture was still changing", file=sys.stderr)
    return last


def main():
    url, out = sys.argv[1], sys.argv[2]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("FAIL: chromium not found (apt-get install chromium)")
    for _ in range(100):  # the server may still be starting
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit(f"FAIL: nothing serves {url}")
    profile = tempfile.mkdtemp(prefix="plainsight-chromium-")
    proc = subprocess.Popen(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(profile, "chromium.log"), "w"),
    )
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if proc.poll() is not None:
                sys.exit(f"FAIL: chromium exited ({proc.returncode})")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.call("Runtime.enable")
        page.call("Page.enable")
        # A 1280 x 720 canvas above the page's 32 px key bar, as on a 720p projector.
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=752,
            deviceScaleFactor=1,
            mobile=False,
        )
        started = time.time()
        page.call("Page.navigate", url=url)

        # The first frame: the loading message gone and a picture with many colours.
        shot, n, seen = b"", 0, None
        while time.time() - started < FIRST_FRAME_TIMEOUT:
            page.pump(0.25)
            if page.errors:
                break
            loading = page.call(
                "Runtime.evaluate", expression="!!document.getElementById('status')"
            )["result"]["value"]
            if not loading:
                seen = time.time() - started
                shot = page.screenshot()
                n = colours(shot)
                if n >= MIN_COLOURS:
                    break
        if page.errors:
            sys.exit("FAIL: the page logged errors:\n  " + "\n  ".join(page.errors))
        if n < MIN_COLOURS:
            open(out, "wb").write(shot or page.screenshot())
            sys.exit(f"FAIL: no drawn frame after {FIRST_FRAME_TIMEOUT:.0f} s ({n} colours); see {out}")
        # The viewer logs when its first complete frame is drawn; the screenshot that showed a
        # picture was taken later (decoding it in Python takes a while).
        if page.first_frame_at is not None:
            print(f"first frame after {page.first_frame_at - started:.1f} s (the viewer's log)")
        print(f"first frame seen in a screenshot taken {seen:.1f} s after navigation")
        first = settle(page, "first frame")
        print(f"picture settled after {time.time() - started:.1f} s ({colours(first)} colours)")

        # Focus the canvas, then: next scenario (opens the list), hide the list, step forward
        # three times, view as the first observer.
        page.call("Runtime.evaluate", expression="document.getElementById('plainsight').focus()")
        page.key("]", "BracketRight", 221)
        picked = settle(page, "next scenario")
        open(out.replace(".png", "-picker.png"), "wb").write(picked)
        if picked == first:
            sys.exit("FAIL: ']' (next scenario) changed nothing on screen")
        page.key("s", "KeyS", 83)
        for _ in range(3):
            page.key("ArrowRight", "ArrowRight", 39)
        page.key("Tab", "Tab", 9)
        final = settle(page, "observer")
        open(out, "wb").write(final)
        n = colours(final)
        if final == picked:
            sys.exit("FAIL: the step and observer keys changed nothing on screen")
        if n < MIN_COLOURS:
            sys.exit(f"FAIL: the last frame looks blank ({n} colours); see {out}")
        if page.errors:
            sys.exit("FAIL: the page logged errors:\n  " + "\n  ".join(page.errors))
        print(f"ok: {n} colours after the keys; screenshot {out}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
