#!/usr/bin/env python3
"""A fake cloud metadata service for stele-metadata's tests.

  fake-imds.py MODE USERDATA_FILE LOG_FILE PORT_FILE

MODE is aws (IMDSv2: a PUT for a token, then GETs that carry it), aws-v1
(answers GETs without a token and refuses the token PUT, like an old
IMDSv1-only service), gcp, azure, openstack, digitalocean or hetzner.
Each provider checks the request shape the real one demands (headers,
api-version) and answers 401/403/400 otherwise. Every request is logged
to LOG_FILE as one JSON line {method, path, headers}; the port it listens
on (127.0.0.1, chosen by the kernel) is written to PORT_FILE.
"""
import base64
import json
import secrets
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

MODE, USERDATA, LOG, PORT_FILE = sys.argv[1:5]
TOKEN = secrets.token_hex(16)
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@fake"


def userdata():
    with open(USERDATA, "rb") as f:
        return f.read()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self):
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": dict(self.headers.items())}) + "\n")

    def reply(self, status, body=b"", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        self.record()
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        if MODE == "aws" and self.path == "/latest/api/token" and \
                self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, TOKEN)
        self.reply(403 if MODE == "aws-v1" else 404, "no")

    def do_GET(self):
        self.record()
        url = urlsplit(self.path)
        handler = getattr(self, "get_" + MODE.replace("-", "_"), None)
        if handler is None:
            return self.reply(404)
        handler(url.path, parse_qs(url.query))

    def get_aws(self, path, query):
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            return self.reply(401, "Unauthorized")
        self.aws_paths(path)

    def get_aws_v1(self, path, query):
        self.aws_paths(path)

    def aws_paths(self, path):
        answers = {
            "/latest/meta-data/instance-id": "i-0123456789abcdef0",
            "/latest/meta-data/local-hostname": "ip-10-0-0-1",
            "/latest/meta-data/public-keys/0/openssh-key": KEY,
        }
        if path == "/latest/user-data":
            return self.reply(200, userdata())
        if path in answers:
            return self.reply(200, answers[path])
        self.reply(404)

    def get_gcp(self, path, query):
        if self.headers.get("Metadata-Flavor") != "Google":
            return self.reply(403, "Missing Metadata-Flavor:Google header.")
        flavor = [("Metadata-Flavor", "Google")]
        answers = {
            "/computeMetadata/v1/instance/id": "4520031799277581759",
            "/computeMetadata/v1/instance/hostname": "gce-1.c.project.internal",
            "/computeMetadata/v1/instance/attributes/ssh-keys": "alice:" + KEY,
        }
        if path == "/computeMetadata/v1/instance/attributes/user-data":
            return self.reply(200, userdata(), flavor)
        if path in answers:
            return self.reply(200, answers[path], flavor)
        self.reply(404, "", flavor)

    def get_azure(self, path, query):
        if self.headers.get("Metadata") != "true":
            return self.reply(400, '{"error": "Bad request. Required metadata header not specified"}')
        if "api-version" not in query:
            return self.reply(400, '{"error": "Bad request. api-version was not specified"}')
        if path == "/metadata/instance/compute":
            return self.reply(200, json.dumps({
                "vmId": "02aab8a4-74ef-476e-8182-f6d2ba4166a6", "name": "azure-vm-1",
                "publicKeys": [{"keyData": KEY, "path": "/home/u/.ssh/authorized_keys"}]}))
        if path == "/metadata/instance/compute/userData":
            return self.reply(200, base64.b64encode(userdata()))
        self.reply(404)

    def get_openstack(self, path, query):
        if path == "/openstack/latest/meta_data.json":
            return self.reply(200, json.dumps({"uuid": "83679162-1378-4288-a2d4-70e13ec132aa",
                                               "hostname": "os-1", "public_keys": {"k": KEY}}))
        if path == "/openstack/latest/user_data":
            return self.reply(200, userdata())
        self.reply(404)

    def simple(self, prefix, path, keys_path):
        answers = {prefix + "id": "3164444", prefix + "hostname": MODE + "-1",
                   keys_path: json.dumps([KEY]) if MODE == "hetzner" else KEY}
        if path in answers:
            return self.reply(200, answers[path])
        self.reply(404)

    def get_digitalocean(self, path, query):
        if path == "/metadata/v1/user-data":
            return self.reply(200, userdata())
        self.simple("/metadata/v1/", path, "/metadata/v1/public-keys")

    def get_hetzner(self, path, query):
        if path == "/hetzner/v1/userdata":
            return self.reply(200, userdata())
        if path == "/hetzner/v1/metadata/instance-id":
            return self.reply(200, "3164444")
        self.simple("/hetzner/v1/metadata/", path.replace("instance-", ""),
                    "/hetzner/v1/metadata/public-keys")


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
