#!/usr/bin/env python3
"""Record what a real Backstage scaffolder answers to dry-run requests.

    python3 tests/compat/scaffolder/oracle/record.py             # all cases
    python3 tests/compat/scaffolder/oracle/record.py --only NAME  # one case (repeatable)
    python3 tests/compat/scaffolder/oracle/record.py --reinstall  # force npm ci

Versions (pinned in oracle/package.json + package-lock.json):
@backstage/plugin-scaffolder-backend 4.3.0 (template engine nunjitsu 0.7.x),
@backstage/plugin-scaffolder-backend-module-github 0.10.4,
@backstage/plugin-scaffolder-node 1.0.0, @backstage/backend-defaults 0.19.0,
@backstage/plugin-catalog-backend 4.0.5, on Node 20.

What it does:
1. copies oracle/{package.json,package-lock.json,index.js} into a run directory
   OUTSIDE the repo ($SCAFFOLDER_ORACLE_RUN_DIR, default
   <tmp>/scaffolder-oracle-run) and runs `npm ci` there when node_modules is
   missing (no node_modules ever lands inside the repo);
2. starts `node index.js --config oracle/app-config.yaml` in its own process
   group (sqlite in memory, auth policy disabled, integrations.github =
   github.com without a token) and waits for /api/scaffolder/v2/actions;
3. for every cases/<name>.yaml ({description, template, values, secrets?,
   files: {path: text}}) posts
   {template, values, secrets?, directoryContents} to
   /api/scaffolder/v2/dry-run, where directoryContents are the case's files
   plus a `template.yaml` YAML dump of the template, base64, sorted by path;
4. writes recorded/<name>.json = {"request": <body posted>, "status": <HTTP
   status>, "response": <response JSON>} and recorded/_meta.json (versions);
5. stops the backend (SIGTERM to its process group, SIGKILL after 20 s).

Only the Python standard library is used; YAML is parsed and dumped by the
`yaml` npm package of the oracle install (the same library Backstage uses).
"""
import argparse
import base64
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # tests/compat/scaffolder
CASES = os.path.join(ROOT, "cases")
RECORDED = os.path.join(ROOT, "recorded")
RUN_DIR = os.environ.get("SCAFFOLDER_ORACLE_RUN_DIR",
                         os.path.join(tempfile.gettempdir(),
                                      "scaffolder-oracle-run"))
PKGS = ["@backstage/plugin-scaffolder-backend",
        "@backstage/plugin-scaffolder-backend-module-github",
        "@backstage/plugin-scaffolder-node",
        "@backstage/plugin-scaffolder-common",
        "@backstage/backend-defaults", "@backstage/plugin-catalog-backend",
        "nunjitsu", "jsonschema", "winston", "yaml"]

YAML_HELPER = r"""
const fs = require('fs');
const YAML = require('yaml');
const files = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = {};
for (const f of files) {
  const doc = YAML.parse(fs.readFileSync(f, 'utf8'));
  out[f] = {doc, templateYaml: YAML.stringify(doc.template, {lineWidth: 0})};
}
process.stdout.write(JSON.stringify(out));
"""


def sh(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def install(force=False):
    os.makedirs(RUN_DIR, exist_ok=True)
    for f in ("package.json", "package-lock.json", "index.js"):
        src = os.path.join(HERE, f)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(RUN_DIR, f))
    if force or not os.path.isdir(os.path.join(RUN_DIR, "node_modules")):
        lock = os.path.exists(os.path.join(HERE, "package-lock.json"))
        sh(["npm", "ci" if lock else "install", "--no-audit", "--no-fund"],
           cwd=RUN_DIR)
        if not lock:
            shutil.copy(os.path.join(RUN_DIR, "package-lock.json"),
                        os.path.join(HERE, "package-lock.json"))


def versions():
    out = {"node": subprocess.run(["node", "--version"], capture_output=True,
                                  text=True).stdout.strip()}
    for pkg in PKGS:
        p = os.path.join(RUN_DIR, "node_modules", pkg, "package.json")
        if os.path.exists(p):
            with open(p) as f:
                out[pkg] = json.load(f)["version"]
    return out


def load_cases(only):
    paths = sorted(glob.glob(os.path.join(CASES, "*.yaml")))
    if only:
        paths = [p for p in paths
                 if os.path.basename(p)[:-5] in only]
        missing = set(only) - {os.path.basename(p)[:-5] for p in paths}
        if missing:
            sys.exit(f"unknown case(s): {', '.join(sorted(missing))}")
    r = subprocess.run(["node", "-e", YAML_HELPER], cwd=RUN_DIR,
                       input=json.dumps(paths), capture_output=True,
                       text=True)
    if r.returncode:
        sys.exit("YAML parse failed:\n" + r.stderr)
    parsed = json.loads(r.stdout)
    return [(os.path.basename(p)[:-5], parsed[p]) for p in paths]


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def build_body(case):
    doc, template_yaml = case["doc"], case["templateYaml"]
    files = dict(doc.get("files") or {})
    files.setdefault("template.yaml", template_yaml)
    body = {"template": doc["template"], "values": doc.get("values") or {}}
    if doc.get("secrets") is not None:
        body["secrets"] = doc["secrets"]
    body["directoryContents"] = [
        {"path": p, "base64Content": b64(files[p] if files[p] is not None
                                         else "")}
        for p in sorted(files)]
    return body


def http(method, url, body=None, timeout=180):
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json",
                                          "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Backend:
    def __init__(self, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.proc = None
        self.log = None

    def start(self):
        workdir = os.path.join(RUN_DIR, "work")
        shutil.rmtree(workdir, ignore_errors=True)
        os.makedirs(workdir)
        env = dict(os.environ, ORACLE_PORT=str(self.port),
                   ORACLE_WORKDIR=workdir, NODE_ENV="production",
                   LOG_LEVEL=os.environ.get("LOG_LEVEL", "info"))
        self.log = open(os.path.join(RUN_DIR, "server.log"), "w")
        cmd = ["node", "index.js", "--config",
               os.path.join(HERE, "app-config.yaml")]
        print("+", " ".join(cmd), f"(log: {self.log.name})", flush=True)
        self.proc = subprocess.Popen(cmd, cwd=RUN_DIR, env=env,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"backend exited with {self.proc.returncode}"
                                 f"; see {self.log.name}")
            try:
                st, _ = http("GET", self.base + "/api/scaffolder/v2/actions",
                             timeout=5)
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise SystemExit("backend did not become ready in 180 s")

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="record only this case (file name without .yaml)")
    ap.add_argument("--port", type=int, default=7017)
    ap.add_argument("--reinstall", action="store_true")
    a = ap.parse_args()

    install(force=a.reinstall)
    cases = load_cases(a.only)
    os.makedirs(RECORDED, exist_ok=True)
    be = Backend(a.port)
    failed = []
    try:
        be.start()
        for name, case in cases:
            body = build_body(case)
            try:
                status, raw = http("POST",
                                   be.base + "/api/scaffolder/v2/dry-run",
                                   body)
            except OSError as e:
                print(f"FAIL {name}: {e}", flush=True)
                failed.append(name)
                if be.proc.poll() is not None:
                    print("backend died; restarting", flush=True)
                    be.start()
                continue
            try:
                response = json.loads(raw)
            except ValueError:
                response = {"__raw__": raw.decode("utf-8", "replace")}
            with open(os.path.join(RECORDED, name + ".json"), "w",
                      encoding="utf-8") as f:
                json.dump({"request": body, "status": status,
                           "response": response}, f, indent=2,
                          ensure_ascii=False)
                f.write("\n")
            print(f"{status} {name}", flush=True)
        with open(os.path.join(RECORDED, "_meta.json"), "w") as f:
            json.dump({"versions": versions(),
                       "endpoint": "POST /api/scaffolder/v2/dry-run",
                       "config": "oracle/app-config.yaml"}, f, indent=2)
            f.write("\n")
    finally:
        be.stop()
    if failed:
        print("failed:", " ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
