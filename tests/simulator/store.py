"""SQLite-backed state of the simulated Harmony Mobile tenant and SmartPT targets.

One connection guarded by a lock: the server is threaded, SQLite is not
happy with concurrent writers, and the simulator's load is small enough
that serialising statements costs nothing measurable.
"""

import json
import sqlite3

from .variants import canonical_alert, render_last_connection
import threading
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    parent_id INTEGER
);
CREATE TABLE IF NOT EXISTS devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    number TEXT,
    mdm_uuid TEXT,
    os_type TEXT,
    os_version TEXT,
    model TEXT,
    device_type TEXT,
    client_version TEXT,
    last_connection_ms INTEGER,
    mail_sent INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL DEFAULT 0,
    risk INTEGER NOT NULL DEFAULT 0,
    device_hash TEXT
);
CREATE INDEX IF NOT EXISTS devices_email ON devices(email);
CREATE TABLE IF NOT EXISTS device_groups (
    device_id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    PRIMARY KEY (device_id, group_id)
);
CREATE INDEX IF NOT EXISTS device_groups_group ON device_groups(group_id);
CREATE TABLE IF NOT EXISTS status_history (
    device_id INTEGER NOT NULL,
    status INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    severity TEXT,
    data TEXT NOT NULL,
    updated_ms INTEGER
);
CREATE TABLE IF NOT EXISTS audits (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    module TEXT,
    data TEXT NOT NULL
);
-- What the service sent and deleted, so tests can assert what went out, when, and never twice.
CREATE TABLE IF NOT EXISTS resends (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    send_reg_email INTEGER NOT NULL,
    send_reg_sms INTEGER NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deletions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    status INTEGER NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS smartpt_targets (
    platform TEXT NOT NULL,
    target TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (platform, target)
);
"""

ROOT_GROUP_ID = 1
ROOT_GROUP_NAME = "ALL"


def now_ms():
    return int(time.time() * 1000)


class StoreError(Exception):
    """A request the simulated service refuses; carries the HTTP status."""

    def __init__(self, status, message, key="message"):
        super().__init__(message)
        self.status = status
        self.message = message
        # The answer's key for the message: Tastypie's filter errors say {"error": ...}.
        self.key = key


class Store:
    def __init__(self, path, id_base=0):
        # Where this tenant's device and group ids start (tests/simulator/tenants.py), 0 for the default one.
        self.id_base = int(id_base)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        # A state file from before alerts kept their canonical update time.
        if "updated_ms" not in [r[1] for r in self.db.execute("PRAGMA table_info(alerts)")]:
            self.db.execute("ALTER TABLE alerts ADD COLUMN updated_ms INTEGER")
        with self.lock:
            if not self.db.execute("SELECT 1 FROM groups WHERE id=?", (ROOT_GROUP_ID,)).fetchone():
                self.db.execute("INSERT INTO groups(id, name, parent_id) VALUES (?, ?, NULL)",
                                (ROOT_GROUP_ID, ROOT_GROUP_NAME))
            self._start_ids()

    def _start_ids(self):
        if not self.id_base:
            return
        for table in ("groups", "devices"):
            row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name=?", (table,)).fetchone()
            if row is None:
                self.db.execute("INSERT INTO sqlite_sequence(name, seq) VALUES (?, ?)", (table, self.id_base))
            elif row[0] < self.id_base:
                self.db.execute("UPDATE sqlite_sequence SET seq=? WHERE name=?", (self.id_base, table))

    def transaction(self):
        return _Transaction(self)

    def reset(self):
        with self.lock:
            for table in ("groups", "devices", "device_groups", "status_history",
                          "alerts", "audits", "smartpt_targets", "resends", "deletions"):
                self.db.execute("DELETE FROM %s" % table)
            self.db.execute("DELETE FROM sqlite_sequence")
            self.db.execute("INSERT INTO groups(id, name, parent_id) VALUES (?, ?, NULL)",
                            (ROOT_GROUP_ID, ROOT_GROUP_NAME))
            self._start_ids()

    # ---- groups -------------------------------------------------------
    def group_row(self, group_id):
        return self.db.execute("SELECT * FROM groups WHERE id=?", (group_id,)).fetchone()

    def group_by_name(self, name):
        return self.db.execute("SELECT * FROM groups WHERE name=?", (name,)).fetchone()

    def group_json(self, row):
        parent = self.group_row(row["parent_id"]) if row["parent_id"] is not None else None
        return {
            "id": row["id"],
            "name": row["name"],
            "parent": {"id": parent["id"], "name": parent["name"]} if parent else None,
        }

    def list_groups(self, name=None):
        with self.lock:
            if name is not None:
                rows = self.db.execute("SELECT * FROM groups WHERE name=? ORDER BY id", (name,)).fetchall()
            else:
                rows = self.db.execute("SELECT * FROM groups ORDER BY id").fetchall()
            return [self.group_json(r) for r in rows]

    def get_group(self, group_id):
        with self.lock:
            row = self.group_row(group_id)
            if not row:
                raise StoreError(404, "Group %s not found" % group_id)
            return self.group_json(row)

    def _validate_group_name(self, name):
        if not isinstance(name, str) or not name.strip():
            raise StoreError(400, "Group name is required")
        if len(name) > 255:
            raise StoreError(400, "Group name is longer than 255 characters")

    def _parent_id(self, parent_id):
        if parent_id in (None, ""):
            return ROOT_GROUP_ID
        try:
            parent_id = int(parent_id)
        except (TypeError, ValueError):
            raise StoreError(400, "parent_id must be a group id")
        if not self.group_row(parent_id):
            raise StoreError(400, "Parent group %s does not exist" % parent_id)
        return parent_id

    def add_group(self, name, parent_id=None):
        with self.lock:
            self._validate_group_name(name)
            parent_id = self._parent_id(parent_id)
            if self.group_by_name(name):
                raise StoreError(400, "Group with name '%s' already exists" % name)
            cur = self.db.execute("INSERT INTO groups(name, parent_id) VALUES (?, ?)", (name, parent_id))
            return self.group_json(self.group_row(cur.lastrowid))

    def edit_group(self, group_id, name=None, parent_id=None):
        with self.lock:
            row = self.group_row(group_id)
            if not row:
                raise StoreError(404, "Group %s not found" % group_id)
            if group_id == ROOT_GROUP_ID:
                raise StoreError(400, "The ALL group cannot be changed")
            if name is not None:
                self._validate_group_name(name)
                other = self.group_by_name(name)
                if other and other["id"] != group_id:
                    raise StoreError(400, "Group with name '%s' already exists" % name)
            if parent_id is not None:
                parent_id = self._parent_id(parent_id)
                ancestor = parent_id
                while ancestor is not None:
                    if ancestor == group_id:
                        raise StoreError(400, "A group cannot be moved under itself or its descendants")
                    ancestor = self.group_row(ancestor)["parent_id"]
            self.db.execute("UPDATE groups SET name=COALESCE(?, name), parent_id=COALESCE(?, parent_id) WHERE id=?",
                            (name, parent_id, group_id))
            return self.group_json(self.group_row(group_id))

    def delete_group(self, group_id):
        with self.lock:
            if group_id == ROOT_GROUP_ID:
                raise StoreError(400, "The ALL group cannot be deleted")
            if not self.group_row(group_id):
                raise StoreError(404, "Group %s not found" % group_id)
            if self.db.execute("SELECT 1 FROM groups WHERE parent_id=?", (group_id,)).fetchone():
                raise StoreError(400, "Group %s has sub-groups; delete them first" % group_id)
            with self.transaction():
                self.db.execute("DELETE FROM device_groups WHERE group_id=?", (group_id,))
                self.db.execute("DELETE FROM groups WHERE id=?", (group_id,))

    # ---- devices ------------------------------------------------------
    def _device_groups(self, device_id):
        rows = self.db.execute(
            "SELECT g.* FROM groups g JOIN device_groups dg ON dg.group_id=g.id WHERE dg.device_id=? ORDER BY g.id",
            (device_id,)).fetchall()
        return [self.group_json(r) for r in rows]

    def device_json(self, row, variants=None):
        variants = variants or {}
        last = row["last_connection_ms"]
        no_mdm = {} if variants.get("device_mdm") == "object" else None
        device = {
            "internal_id": str(row["id"]),
            "name": row["name"],
            "email": row["email"],
            "number": row["number"] or "",
            "client_version": row["client_version"] or "",
            "device_type": row["device_type"] or "",
            "groups": self._device_groups(row["id"]),
            "last_connection": render_last_connection(row["id"], last, variants.get("last_connection")),
            "mail_sent": bool(row["mail_sent"]),
            "mdm": {"uuid": row["mdm_uuid"]} if row["mdm_uuid"] else no_mdm,
            "model": row["model"] or "",
            "os_type": row["os_type"] or "",
            "os_version": row["os_version"] or "",
            # Field notes: the live API sends these codes as strings.
            "risk": str(row["risk"]),
            "status": str(row["status"]),
        }
        if variants.get("device_groups") == "absent":
            del device["groups"]
        return device

    def device_row(self, device_id):
        return self.db.execute("SELECT * FROM devices WHERE id=?", (device_id,)).fetchone()

    def get_device(self, device_id, variants=None):
        with self.lock:
            row = self.device_row(device_id)
            if not row:
                raise StoreError(404, "Device %s not found" % device_id)
            return self.device_json(row, variants)

    def query_devices(self, where, params, offset, limit, variants=None):
        with self.lock:
            sql_where = (" WHERE " + " AND ".join(where)) if where else ""
            total = self.db.execute("SELECT COUNT(*) FROM devices d" + sql_where, params).fetchone()[0]
            rows = self.db.execute("SELECT d.* FROM devices d" + sql_where + " ORDER BY d.id LIMIT ? OFFSET ?",
                                   list(params) + [limit, offset]).fetchall()
            return total, [self.device_json(r, variants) for r in rows]

    def add_device(self, name, email, number=None, groups=None, send_reg_email=False, send_reg_sms=False,
                   status=0, risk=0, extra=None):
        with self.lock:
            group_ids = []
            for group_name in groups or [ROOT_GROUP_NAME]:
                row = self.group_by_name(group_name)
                if not row:
                    raise StoreError(400, "Group '%s' does not exist" % group_name)
                group_ids.append(row["id"])
            extra = extra or {}
            with self.transaction():
                cur = self.db.execute(
                    "INSERT INTO devices(name, email, number, mdm_uuid, os_type, os_version, model, device_type,"
                    " client_version, last_connection_ms, mail_sent, status, risk, device_hash)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (name, email, number, extra.get("mdm_uuid"), extra.get("os_type"), extra.get("os_version"),
                     extra.get("model"), extra.get("device_type"), extra.get("client_version"),
                     extra.get("last_connection_ms"),
                     1 if (send_reg_email or send_reg_sms or extra.get("mail_sent")) else 0,
                     status, risk, None))
                device_id = cur.lastrowid
                self.db.execute("UPDATE devices SET device_hash=? WHERE id=?", ("%08x" % (device_id * 2654435761 % 2 ** 32), device_id))
                self.db.executemany("INSERT OR IGNORE INTO device_groups(device_id, group_id) VALUES (?, ?)",
                                    [(device_id, g) for g in group_ids])
                self.db.execute("INSERT INTO status_history(device_id, status, start_ms) VALUES (?,?,?)",
                                (device_id, status, extra.get("status_since_ms", now_ms())))
            return device_id

    def set_device_state(self, device_id, status=None, risk=None, at_ms=None, last_connection_ms=None,
                         client_version=None):
        """A status change (recorded in the status history at ``at_ms``), a risk, and what the device itself
        reports: its last connection (epoch ms; 0 for never) and its client version."""
        with self.lock:
            row = self.device_row(device_id)
            if not row:
                raise StoreError(404, "Device %s not found" % device_id)
            at_ms = at_ms or now_ms()
            with self.transaction():
                if status is not None and int(status) != row["status"]:
                    self.db.execute("UPDATE status_history SET end_ms=? WHERE device_id=? AND end_ms IS NULL",
                                    (at_ms, device_id))
                    self.db.execute("INSERT INTO status_history(device_id, status, start_ms) VALUES (?,?,?)",
                                    (device_id, int(status), at_ms))
                    self.db.execute("UPDATE devices SET status=? WHERE id=?", (int(status), device_id))
                if risk is not None:
                    self.db.execute("UPDATE devices SET risk=? WHERE id=?", (int(risk), device_id))
                if last_connection_ms is not None:
                    self.db.execute("UPDATE devices SET last_connection_ms=? WHERE id=?",
                                    (int(last_connection_ms) or None, device_id))
                if client_version is not None:
                    self.db.execute("UPDATE devices SET client_version=? WHERE id=?", (client_version, device_id))
            return self.device_json(self.device_row(device_id))

    def record_resend(self, device_id, send_reg_email, send_reg_sms, at_ms=None):
        """Call 6 as the service would log it; returns the row (tests read them through /_sim/resends)."""
        with self.lock:
            row = self.device_row(device_id)
            at_ms = at_ms or now_ms()
            self.db.execute("INSERT INTO resends(device_id, email, send_reg_email, send_reg_sms, at_ms)"
                            " VALUES (?,?,?,?,?)", (device_id, row["email"], int(bool(send_reg_email)),
                                                    int(bool(send_reg_sms)), at_ms))
            return {"device_id": str(device_id), "email": row["email"], "send_reg_email": bool(send_reg_email),
                    "send_reg_sms": bool(send_reg_sms), "at_ms": at_ms}

    def status_history(self):
        with self.lock:
            rows = self.db.execute("SELECT device_id, status, start_ms, end_ms FROM status_history").fetchall()
            return [dict(row, device_id=str(row["device_id"])) for row in rows]

    def sent_log(self, table):
        with self.lock:
            rows = self.db.execute("SELECT * FROM %s ORDER BY seq" % table).fetchall()
            return [dict(row, device_id=str(row["device_id"])) for row in rows]

    def mark_email_sent(self, device_id):
        with self.lock:
            if not self.device_row(device_id):
                raise StoreError(404, "Device not found")
            self.db.execute("UPDATE devices SET mail_sent=1 WHERE id=?", (device_id,))
            self.set_device_state(device_id, status=0)

    def registration_details(self, row):
        return {"device_hash": row["device_hash"], "id": str(row["id"]), "server": "sbm-gw.simulator.local"}

    def delete_device(self, device_id):
        with self.lock:
            if not self.device_row(device_id):
                raise StoreError(404, "Device %s not found" % device_id)
            self._delete_devices([device_id])

    def email_clause(self, case_sensitive):
        return "email=?" if case_sensitive else "lower(email)=lower(?)"

    def delete_devices_by_email(self, email, case_sensitive=True):
        with self.lock:
            ids = [r[0] for r in self.db.execute("SELECT id FROM devices WHERE " + self.email_clause(case_sensitive),
                                                 (email,))]
            if not ids:
                raise StoreError(404, "No device with email %s" % email)
            self._delete_devices(ids)
            return len(ids)

    def _delete_devices(self, ids):
        with self.transaction():
            at_ms = now_ms()
            for device_id in ids:
                row = self.device_row(device_id)
                if row:
                    self.db.execute("INSERT INTO deletions(device_id, email, status, at_ms) VALUES (?,?,?,?)",
                                    (device_id, row["email"], row["status"], at_ms))
            for table, column in (("device_groups", "device_id"), ("status_history", "device_id"), ("devices", "id")):
                self.db.executemany("DELETE FROM %s WHERE %s=?" % (table, column), [(i,) for i in ids])

    # ---- alerts and audits --------------------------------------------
    def add_alert(self, data):
        """Stores what the service knows about the alert; harmony.py renders it in the chosen shape."""
        canonical = canonical_alert(data, now_ms())
        with self.lock:
            cur = self.db.execute("INSERT INTO alerts(severity, data, updated_ms) VALUES (?, ?, ?)",
                                  (canonical["level"], json.dumps(canonical), canonical["updated_ms"]))
            return cur.lastrowid

    def add_audit(self, time_text, module, data):
        with self.lock:
            cur = self.db.execute("INSERT INTO audits(time, module, data) VALUES (?, ?, ?)",
                                  (time_text, module, json.dumps(data)))
            return cur.lastrowid

    def query_log(self, table, where, params, offset, limit):
        with self.lock:
            sql_where = (" WHERE " + " AND ".join(where)) if where else ""
            total = self.db.execute("SELECT COUNT(*) FROM %s%s" % (table, sql_where), params).fetchone()[0]
            rows = self.db.execute("SELECT id, data FROM %s%s ORDER BY id LIMIT ? OFFSET ?" % (table, sql_where),
                                   list(params) + [limit, offset]).fetchall()
            if table == "alerts":
                return total, [(r["id"], json.loads(r["data"])) for r in rows]
            return total, [dict(json.loads(r["data"]), id=r["id"]) for r in rows]

    # ---- SmartPT --------------------------------------------------------
    def target_state(self, platform, target, default):
        with self.lock:
            row = self.db.execute("SELECT state FROM smartpt_targets WHERE platform=? AND target=?",
                                  (platform, target)).fetchone()
            return row["state"] if row else default

    def set_target_state(self, platform, target, state):
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO smartpt_targets(platform, target, state) VALUES (?,?,?)",
                            (platform, target, state))

    # ---- counts for tests ---------------------------------------------
    def counts(self):
        with self.lock:
            return {t: self.db.execute("SELECT COUNT(*) FROM %s" % t).fetchone()[0]
                    for t in ("groups", "devices", "alerts", "audits")}


class _Transaction:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        self.store.lock.acquire()
        self.store.db.execute("SAVEPOINT sim_tx")

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type:
                self.store.db.execute("ROLLBACK TO sim_tx")
            self.store.db.execute("RELEASE sim_tx")
        finally:
            self.store.lock.release()
