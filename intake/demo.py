"""`intake demo`: the bundled samples in a local database, a demo administrator, the portal on localhost.

The demo user exists ONLY in the demo database: its password and TOTP secret are made up at each run and
printed, with the current code, so the portal can be tried without an authenticator app.
"""
from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Optional, TextIO

import pyotp

from reviewdesk import security

DEMO_EMAIL = "demo@intake.local"
REPO = Path(__file__).resolve().parents[1]


def samples_folder() -> Optional[Path]:
    for candidate in (Path.cwd() / "samples" / "messages", REPO / "samples" / "messages"):
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    return None


def load_samples(database_url: str, out: TextIO, config_path: Optional[str] = None) -> Optional[dict]:
    """Ingest the bundled samples (idempotent); synthetic messages when the samples are not there."""
    folder = samples_folder()
    if folder is not None:
        try:
            from intake.ingest import ingest_paths
        except ImportError:
            folder = None
    if folder is not None:
        from intake.progress import table
        print(f"Lecture des exemples de {folder} …", file=out)
        summary = ingest_paths([str(folder)], database_url, config_path=config_path, workers=1)
        table(out, "  messages", {"lus": summary.processed, "déjà lus": summary.skipped, "échecs": summary.failed},
              ordered=True)
        table(out, "  décisions", dict(summary.decisions))
        return summary.as_dict()
    from outputs.store import Store
    from reviewdesk.sampledata import add_demo_messages
    with Store(database_url) as store:
        if store.counts()["records"] == 0:
            add_demo_messages(store)
            print("Exemples absents : quelques messages synthétiques ajoutés.", file=out)
    return None


def ensure_demo_user(database_url: str) -> tuple[str, str]:
    """(password, TOTP secret) of the demo administrator, reset at every run."""
    from outputs.store import Store
    from reviewdesk import users
    password = secrets.token_urlsafe(9)
    secret = security.new_totp_secret()
    with Store(database_url) as store, store.session() as session:
        user = users.find_by_email(session, DEMO_EMAIL) or users.create_user(session, DEMO_EMAIL, "Démo",
                                                                             is_admin=True)
        user.password_hash = security.hash_password(password)
        user.totp_secret = secret
        user.totp_last_counter = None
        user.active = True
        users.unblock(session, user)
    return password, secret


def run_demo(database_url: str, host: str = "127.0.0.1", port: int = 8000, serve: bool = True,
             out: TextIO = sys.stdout, as_json: bool = False, config_path: Optional[str] = None) -> int:
    """The samples read and the portal served under one configuration (`--config`, merged over the defaults)."""
    import io
    import json

    from foundation.config import load_config
    from outputs.db import upgrade
    config = load_config(config_path)      # refused before anything is stored when a key is unknown
    upgrade(database_url)
    samples = load_samples(database_url, io.StringIO() if as_json else out, config_path)
    password, secret = ensure_demo_user(database_url)
    uri = security.provisioning_uri(secret, DEMO_EMAIL)
    if as_json:
        print(json.dumps({"url": f"http://{host}:{port}/login", "email": DEMO_EMAIL, "password": password,
                          "totp_secret": secret, "database": database_url, "samples": samples},
                         ensure_ascii=False), file=out, flush=True)
    else:
        print(f"""
Portail de revue : http://{host}:{port}/login
  e-mail        : {DEMO_EMAIL}
  mot de passe  : {password}
  clé TOTP      : {secret}
  (ajoutez-la à une application d'authentification, ou URI : {uri})
  code actuel   : {pyotp.TOTP(secret).now()}  (change toutes les 30 s ; nouveau code :
                  python -c "import pyotp; print(pyotp.TOTP('{secret}').now())")
Base de données : {database_url}
""", file=out, flush=True)
    if not serve:
        return 0
    from reviewdesk.app import serve as serve_app
    return serve_app(database_url, host=host, port=port, config=config)
