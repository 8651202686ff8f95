"""A throwaway Dovecot IMAP server on 127.0.0.1 for the polling tests: its own config, mail and state in
a temporary directory, one user with a static password, no TLS. Needs Debian's dovecot-imapd."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "kundservice"
PASSWORD = "imap-test-password"


def available() -> bool:
    return Path(DOVECOT).exists()


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def config(self) -> str:
        if os.geteuid() == 0:
            # As root, Dovecot drops privileges: its own service users, and mail owned by an ordinary user.
            internal, login, mail_user = "dovecot", "dovenull", pwd.getpwnam("nobody")
        else:
            me = pwd.getpwuid(os.geteuid()).pw_name
            internal = login = me
            mail_user = pwd.getpwuid(os.geteuid())
        for folder in ("mail", "home"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            os.chown(self.root / folder, mail_user.pw_uid, mail_user.pw_gid)
        return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
info_log_path = {self.root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{self.root}/mail/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={self.root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""

    def start(self) -> None:
        for folder in ("run", "state"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        config = self.root / "dovecot.conf"
        config.write_text(self.config())
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                log = (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot exited: {output}\n{log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dovecot did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
