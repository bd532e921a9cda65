"""A stand-in for the Hugging Face Hub on a loopback port, for the tests only.

No machine the tests run on reaches huggingface.co, so the tests point the real `huggingface_hub` library at this
server (`HF_ENDPOINT`). It answers the HTTP calls the library itself makes for what the project uses (who am I,
create a repo, validate a card, pre-upload, commit, repo info, the file tree, resolve a file), keeps what it is
sent in a folder, and serves it back. It is not a Hub: one branch (`main`), regular (non-LFS) uploads, no history.

Faults the tests ask for: `cut_next_download(path)` ends that file's next response halfway; `down = True` refuses
every connection as an unreachable Hub would (the port is closed).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

READ, WRITE = "read", "write"


class HubStandIn:
    """`with HubStandIn(folder, tokens={"hf_w": ("alice", "write")}) as hub:` then HF_ENDPOINT=hub.url."""

    def __init__(self, folder: Path, tokens: dict[str, tuple[str, str]]) -> None:
        self.folder = folder
        self.tokens = tokens  # token -> (user, READ or WRITE)
        self.requests: list[tuple[str, str]] = []  # (method, path) in order, for the tests to read
        self.commits = 0
        self._cut: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HubStandIn:
        handler = type("Handler", (_Handler,), {"hub": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the port (the Hub unreachable); `start()` again serves the same folder on the same port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HubStandIn:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def cut_next_download(self, path: str) -> None:
        self._cut.add(path)

    # -- storage -------------------------------------------------------------------------------------------------
    def repo_dir(self, kind: str, repo_id: str) -> Path:
        return self.folder / kind / repo_id

    def files(self, kind: str, repo_id: str) -> dict[str, Path]:
        root = self.repo_dir(kind, repo_id) / "files"
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}

    def meta(self, kind: str, repo_id: str) -> dict | None:
        path = self.repo_dir(kind, repo_id) / "repo.json"
        return json.loads(path.read_text()) if path.is_file() else None

    def _write_meta(self, kind: str, repo_id: str, meta: dict) -> None:
        (self.repo_dir(kind, repo_id) / "repo.json").write_text(json.dumps(meta))

    def _sha(self, kind: str, repo_id: str) -> str:
        digest = hashlib.sha1(f"{kind}/{repo_id}".encode())
        for name, path in self.files(kind, repo_id).items():
            digest.update(name.encode() + b"\0" + hashlib.sha1(path.read_bytes()).digest())
        return digest.hexdigest()


def _blob_oid(data: bytes) -> str:
    """git's blob id, as the Hub reports a regular file's oid."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    hub: HubStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: object) -> None:  # quiet: the tests read hub.requests
        pass

    # -- plumbing ------------------------------------------------------------------------------------------------
    def _send(self, status: int, body: object = b"", headers: dict[str, str] | None = None, head: bool = False
              ) -> None:  # fmt: skip
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        content_type = "application/octet-stream" if isinstance(body, bytes) else "application/json"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, {"error": message}, {"X-Error-Message": message})

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _who(self) -> tuple[str, str] | None:
        auth = self.headers.get("Authorization", "")
        return self.hub.tokens.get(auth.removeprefix("Bearer ").strip()) if auth.startswith("Bearer ") else None

    def _visible(self, kind: str, repo_id: str) -> dict | None:
        meta = self.hub.meta(kind, repo_id)
        if meta is None:
            return None
        who = self._who()
        if meta["private"] and (who is None or who[0] != meta["owner"]):
            return None  # a private repo is not found by anyone else, as on the Hub
        return meta

    def _repo_missing(self) -> None:
        self._send(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound",
                                                            "X-Error-Message": "Repository not found"})  # fmt: skip

    def _route(self, method: str) -> None:
        if self.hub._server is None:  # stopped: a connection kept alive from before gets no answer either
            self.close_connection = True
            return
        parsed = urlparse(self.path)
        path, query = unquote(parsed.path), parse_qs(parsed.query)
        with self.hub._lock:
            self.hub.requests.append((method, path))
        parts = path.strip("/").split("/")
        try:
            if parts[:2] == ["api", "whoami-v2"]:
                return self._whoami()
            if parts[:3] == ["api", "repos", "create"]:
                return self._create()
            if parts[:2] == ["api", "validate-yaml"]:
                self._body()
                return self._send(200, {"errors": [], "warnings": []})
            if parts[0] == "api" and len(parts) >= 4 and parts[1] in ("models", "datasets"):
                return self._api(method, parts[1][:-1], "/".join(parts[2:4]), parts[4:], query)
            kind = "model"
            if parts[0] == "datasets":
                kind, parts = "dataset", parts[1:]
            if len(parts) >= 5 and parts[2] == "resolve":
                return self._resolve(method, kind, "/".join(parts[:2]), "/".join(parts[4:]))
            self._error(404, f"the stand-in does not answer {method} {path}")
        except BrokenPipeError:
            pass

    def do_GET(self) -> None:  # http.server's names
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    # -- endpoints -----------------------------------------------------------------------------------------------
    def _whoami(self) -> None:
        who = self._who()
        if who is None:
            return self._error(401, "Invalid credentials in Authorization header")
        auth = {"type": "access_token", "accessToken": {"displayName": "t", "role": who[1]}}
        self._send(200, {"type": "user", "name": who[0], "orgs": [], "auth": auth})

    def _create(self) -> None:
        body = json.loads(self._body() or b"{}")
        who = self._who()
        if who is None:
            return self._error(401, "Invalid credentials in Authorization header")
        if who[1] != WRITE:
            return self._error(403, "You don't have the rights to create a repo with a read token")
        kind = body.get("type") or "model"
        repo_id = f"{body.get('organization') or who[0]}/{body['name']}"
        url = f"{self.hub.url}/{'datasets/' if kind == 'dataset' else ''}{repo_id}"
        if self.hub.meta(kind, repo_id) is not None:
            return self._send(409, {"error": "You already created this repo", "url": url})
        (self.hub.repo_dir(kind, repo_id) / "files").mkdir(parents=True)
        private = body.get("visibility", "private" if body.get("private") else "public") != "public"
        self.hub._write_meta(kind, repo_id, {"owner": who[0], "private": private})
        self._send(200, {"url": url, "name": repo_id, "id": repo_id})

    def _api(self, method: str, kind: str, repo_id: str, rest: list[str], query: dict) -> None:
        meta = self._visible(kind, repo_id)
        if meta is None:
            self._body()
            return self._repo_missing()
        if method == "POST" and rest and rest[0] in ("preupload", "commit"):
            who = self._who()
            if who is None or who[1] != WRITE or who[0] != meta["owner"]:
                self._body()
                return self._error(403, "You don't have the rights to write to this repo")
            return self._preupload(kind, repo_id) if rest[0] == "preupload" else self._commit(kind, repo_id)
        if method == "GET" and (not rest or rest[0] == "revision"):
            return self._info(kind, repo_id, meta)
        if method == "GET" and rest and rest[0] == "tree":
            return self._tree(kind, repo_id, "/".join(rest[2:]))
        self._error(404, f"the stand-in does not answer {method} {'/'.join(rest)}")

    def _info(self, kind: str, repo_id: str, meta: dict) -> None:
        files = self.hub.files(kind, repo_id)
        self._send(200, {"id": repo_id, "_id": repo_id, "author": meta["owner"], "private": meta["private"],
                         "sha": self.hub._sha(kind, repo_id), "siblings": [{"rfilename": f} for f in files],
                         "tags": [], "downloads": 0, "likes": 0, "disabled": False, "gated": False})  # fmt: skip

    def _tree(self, kind: str, repo_id: str, under: str) -> None:
        entries = []
        for name, path in self.hub.files(kind, repo_id).items():
            if under and not name.startswith(under.rstrip("/") + "/"):
                continue
            data = path.read_bytes()
            entries.append({"type": "file", "path": name, "size": len(data), "oid": _blob_oid(data)})
        self._send(200, entries)

    def _preupload(self, kind: str, repo_id: str) -> None:
        body = json.loads(self._body())
        existing = self.hub.files(kind, repo_id)
        files = [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
                  "oid": _blob_oid(existing[f["path"]].read_bytes()) if f["path"] in existing else None}
                 for f in body["files"]]  # fmt: skip
        self._send(200, {"files": files})

    def _commit(self, kind: str, repo_id: str) -> None:
        root = self.hub.repo_dir(kind, repo_id) / "files"
        for line in self._body().decode().splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            value = item["value"]
            target = (root / value.get("path", "")).resolve()
            if not target.is_relative_to(root.resolve()):
                return self._error(400, f"bad path {value.get('path')!r}")
            if item["key"] == "file":
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(base64.b64decode(value["content"]))
            elif item["key"] == "deletedFile":
                target.unlink(missing_ok=True)
            elif item["key"] == "deletedFolder":
                shutil.rmtree(target, ignore_errors=True)
            elif item["key"] == "lfsFile":
                return self._error(400, "the stand-in takes regular uploads only")
        self.hub.commits += 1
        sha = self.hub._sha(kind, repo_id)
        self._send(200, {"commitUrl": f"{self.hub.url}/{repo_id}/commit/{sha}", "commitOid": sha,
                         "pullRequestUrl": None, "success": True})  # fmt: skip

    def _resolve(self, method: str, kind: str, repo_id: str, name: str) -> None:
        meta = self._visible(kind, repo_id)
        if meta is None:
            return self._repo_missing()
        path = self.hub.files(kind, repo_id).get(name)
        sha = self.hub._sha(kind, repo_id)
        if path is None:
            return self._send(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound",
                                                                  "X-Repo-Commit": sha})  # fmt: skip
        data = path.read_bytes()
        headers = {"X-Repo-Commit": sha, "ETag": f'"{_blob_oid(data)}"', "Accept-Ranges": "none"}
        if method == "HEAD":
            return self._send(200, data, headers, head=True)
        if name in self.hub._cut:  # the connection drops halfway: the length promised, half of it sent
            self.hub._cut.discard(name)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(200, data, headers)


def point_huggingface_hub_at(standin: HubStandIn, monkeypatch, folder: Path) -> None:
    """For one test, huggingface_hub talks to `standin`, caches under `folder` and finds no saved login (its module
    constants are read at import, so they are patched rather than the environment)."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", standin.url)
    template = standin.url + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(folder / "hf-cache"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(folder / "no-saved-login"))
