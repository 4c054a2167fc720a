# Inserts N audit records with the digests the service writes (domain::audit_chain::record_digest:
# every field length-prefixed, the time at microseconds), unsealed, into an SQLite database: a log
# of realistic size for measuring `madoguchi audit verify` (`madoguchi audit seal` seals them).
# `dev seed` writes no audit records. Used by benches/backup_restore.sh.
# Usage: python3 benches/audit_records.py DATABASE N
import hashlib, os, random, sqlite3, struct, sys, uuid, datetime
path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(24)
def uuid7(ms):
    r = rng.getrandbits(74)
    v = (ms << 80) | (0x7 << 76) | ((r >> 62) << 64) | (0b10 << 62) | (r & ((1 << 62) - 1))
    return str(uuid.UUID(int=v))
def field(h, text):
    if text is None:
        h.update(b"\0")
    else:
        b = text.encode()
        h.update(b"\1"); h.update(struct.pack(">Q", len(b))); h.update(b)
start = datetime.datetime(2026, 1, 5, 9, 0, 0)
staff = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(40)]
actions = ["case.viewed", "document.viewed", "case.assigned", "decision.drafted", "request.submitted", "staff.signed_in"]
conn = sqlite3.connect(path)
conn.execute("PRAGMA synchronous = OFF")
rows = []
for i in range(n):
    at = start + datetime.timedelta(microseconds=i * 31_000_000 + rng.randrange(1, 999_999))
    ms = int((at - datetime.datetime(1970, 1, 1)).total_seconds() * 1000)
    rid = uuid7(ms)
    actor = "staff:" + rng.choice(staff)
    action = rng.choice(actions)
    case_id = str(uuid.UUID(int=rng.getrandbits(128)))
    target = "document:" + str(uuid.UUID(int=rng.getrandbits(128))) if action == "document.viewed" else None
    ip = "203.0.113.%d" % rng.randrange(1, 255)
    req = str(uuid.UUID(int=rng.getrandbits(128)))
    role = "staff"
    h = hashlib.sha256(b"madoguchi-audit-record-v1\0")
    for f in [rid, at.strftime("%Y-%m-%dT%H:%M:%S.%f"), actor, action, target, ip, req, role, case_id]:
        field(h, f)
    stored_at = at.strftime("%Y-%m-%d %H:%M:%S.%f")  # 6 digits: what diesel writes for such a time
    if at.microsecond % 1000 == 0:
        stored_at = at.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (at.microsecond // 1000)
    rows.append((rid, stored_at, actor, action, target, ip, req, role, case_id, h.hexdigest()))
    if len(rows) == 50_000:
        conn.executemany("INSERT INTO audit_events (id, at, actor, action, target, client_ip, request_id, role, case_id, digest) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        conn.commit(); rows = []
if rows:
    conn.executemany("INSERT INTO audit_events (id, at, actor, action, target, client_ip, request_id, role, case_id, digest) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
conn.commit()
print("inserted", n)
