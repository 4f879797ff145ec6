"""The audit trail's two tables, made append-only by the database itself.

Django creates the tables here and then forgets it manages them (the models are
`managed = False`), so `flush` never empties them. Triggers refuse UPDATE and DELETE
of events (and TRUNCATE on PostgreSQL) and any rewinding of the chain's head.
"""

from django.db import migrations, models

GENESIS_HASH = "0" * 64

POSTGRESQL_CREATE = [
    """CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % on % refused', TG_OP, TG_TABLE_NAME;
    END $$""",
    """CREATE FUNCTION audit_refuse_rewind() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.length < OLD.length THEN
            RAISE EXCEPTION 'the audit chain never moves backwards';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_auditchain_no_delete BEFORE DELETE ON audit_auditchain
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_auditchain_no_truncate BEFORE TRUNCATE ON audit_auditchain
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_auditchain_forward_only BEFORE UPDATE ON audit_auditchain
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_rewind()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditchain_no_delete ON audit_auditchain",
    "DROP TRIGGER IF EXISTS audit_auditchain_no_truncate ON audit_auditchain",
    "DROP TRIGGER IF EXISTS audit_auditchain_forward_only ON audit_auditchain",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
    "DROP FUNCTION IF EXISTS audit_refuse_rewind()",
]
SQLITE_CREATE = [
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused');
    END""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused');
    END""",
    """CREATE TRIGGER audit_auditchain_no_delete BEFORE DELETE ON audit_auditchain BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused');
    END""",
    """CREATE TRIGGER audit_auditchain_forward_only BEFORE UPDATE ON audit_auditchain
        WHEN NEW.length < OLD.length BEGIN
        SELECT RAISE(ABORT, 'the audit chain never moves backwards');
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditchain_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditchain_forward_only",
]


def protect(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL_CREATE, "sqlite": SQLITE_CREATE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"no append-only triggers written for {vendor}")
    schema_editor.execute(
        "INSERT INTO audit_auditchain (id, length, last_hash) VALUES (1, 0, %s)", [GENESIS_HASH]
    )
    for statement in statements:
        # No parameters: PL/pgSQL's own % placeholders must reach the server as written.
        schema_editor.execute(statement, params=None)


def unprotect(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


def event_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("sequence", models.PositiveBigIntegerField(unique=True, verbose_name="通番")),
        ("occurred_at", models.DateTimeField(verbose_name="日時")),
        ("user_id", models.BigIntegerField(blank=True, null=True, verbose_name="利用者ID")),
        ("user_email", models.CharField(blank=True, default="", max_length=254, verbose_name="利用者")),
        ("role", models.CharField(blank=True, default="", max_length=20, verbose_name="ロール")),
        (
            "action",
            models.CharField(
                choices=[
                    ("view", "閲覧"),
                    ("export", "出力"),
                    ("download", "ダウンロード"),
                    ("create", "登録"),
                    ("change", "変更"),
                    ("delete", "削除"),
                    ("sign_in", "ログイン"),
                    ("sign_in_failed", "ログイン失敗"),
                    ("sign_out", "ログアウト"),
                ],
                max_length=20,
                verbose_name="操作",
            ),
        ),
        ("object_type", models.CharField(blank=True, default="", max_length=100, verbose_name="対象の種類")),
        ("object_id", models.CharField(blank=True, default="", max_length=64, verbose_name="対象ID")),
        ("object_label", models.CharField(blank=True, default="", max_length=200, verbose_name="対象")),
        ("fields", models.JSONField(blank=True, default=list, verbose_name="項目")),
        ("rows", models.PositiveIntegerField(blank=True, null=True, verbose_name="件数")),
        ("note", models.CharField(blank=True, default="", max_length=500, verbose_name="備考")),
        ("ip_address", models.CharField(blank=True, default="", max_length=45, verbose_name="IPアドレス")),
        ("user_agent", models.CharField(blank=True, default="", max_length=300, verbose_name="ブラウザ")),
        ("path", models.CharField(blank=True, default="", max_length=300, verbose_name="URL")),
        ("previous_hash", models.CharField(max_length=64)),
        ("hash", models.CharField(max_length=64, unique=True)),
    ]


def event_options(*, managed):
    return {
        "managed": managed,
        "db_table": "audit_auditevent",
        "verbose_name": "監査記録",
        "verbose_name_plural": "監査記録",
        "ordering": ["-sequence"],
        "indexes": [
            models.Index(fields=["occurred_at"], name="audit_event_occurred_at"),
            models.Index(fields=["user_id", "occurred_at"], name="audit_event_user"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
        ],
    }


def chain_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("length", models.PositiveBigIntegerField(default=0)),
        ("last_hash", models.CharField(default=GENESIS_HASH, max_length=64)),
    ]


def chain_options(*, managed):
    return {
        "managed": managed,
        "db_table": "audit_auditchain",
        "verbose_name": "監査記録の連鎖",
        "verbose_name_plural": "監査記録の連鎖",
    }


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.CreateModel("AuditEvent", event_fields(), options=event_options(managed=True)),
                migrations.CreateModel("AuditChain", chain_fields(), options=chain_options(managed=True)),
            ],
            state_operations=[
                migrations.CreateModel("AuditEvent", event_fields(), options=event_options(managed=False)),
                migrations.CreateModel("AuditChain", chain_fields(), options=chain_options(managed=False)),
            ],
        ),
        migrations.RunPython(protect, unprotect),
    ]
