"""Where personal and company data live, and what a disposal does with each table.

Every model of the project and of the Django apps it uses is listed here with what the
disposal erases and what it keeps, and why. `tests/test_inventory.py` fails when a model
is added without a line here: whoever adds a table of personal data must decide its
disposal (and `selection.py` must select it, or the disposal refuses to run — see
`actions._delete`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Treatment:
    erased: str  # what the disposal erases ("" = nothing)
    kept: str  # what it keeps and why ("" = nothing); shown on the certificate


ALL_ROWS = "全件"
OF_SCOPE = "範囲内の記録"

INVENTORY: dict[str, Treatment] = {
    # registry
    "registry.company": Treatment(
        OF_SCOPE, "他の事業の申請・架電がまだ参照している企業（事業単位の消去のとき）"
    ),
    "registry.contact": Treatment("消去する企業の連絡先", ""),
    "registry.importjob": Treatment("取込の記録と取り込んだファイル", ""),
    "registry.duplicatecandidate": Treatment("消去する企業を含む名寄せ候補", ""),
    "registry.companymerge": Treatment("消去する企業を含む統合の記録", ""),
    # outreach
    "outreach.campaign": Treatment(OF_SCOPE, ""),
    "outreach.calltask": Treatment("消去するキャンペーンの架電対象", ""),
    "outreach.callattempt": Treatment("消去するキャンペーンの架電記録（会話内容を含む）", ""),
    "outreach.exportjob": Treatment("架電結果表の出力記録とそのファイル", ""),
    # grants
    "grants.applicant": Treatment(
        "範囲内の申請だけをした申請者アカウント", "他の事業への申請が残る申請者アカウント"
    ),
    "grants.applicantmember": Treatment("消去する申請者アカウントの利用者", ""),
    "grants.application": Treatment(OF_SCOPE, ""),
    "grants.applicationattachment": Treatment("消去する申請の添付書類", ""),
    "grants.applicationevent": Treatment("消去する申請の経過", ""),
    "grants.applicationmessage": Treatment("消去する申請のメッセージ", ""),
    # files
    "files.storedfile": Treatment("消去する添付書類のファイルと記録", ""),
    # accounts and the Django apps that hold data about people
    "accounts.user": Treatment(
        "申請者のアカウント",
        "事務局・委託者の職員のアカウント（事務局自身の職員の情報。契約終了後の扱いは"
        "事務局の人事・アカウント管理の手順による）",
    ),
    "otp_totp.totpdevice": Treatment("消去するアカウントの二要素認証の登録", "職員の登録"),
    "sessions.session": Treatment(
        "全件消去では全セッション、それ以外は消去するアカウントのセッション", ""
    ),
    "axes.accessattempt": Treatment(
        "ログイン失敗の記録（利用者名・IPアドレス）", "範囲外のアカウントの記録"
    ),
    "axes.accessattemptexpiration": Treatment("消去するログイン失敗の記録の期限", ""),
    "axes.accessfailurelog": Treatment("ログイン失敗の記録（利用者名・IPアドレス）", ""),
    "axes.accesslog": Treatment("ログインの記録（利用者名・IPアドレス）", ""),
    "admin.logentry": Treatment(
        "消去する記録・アカウントについての管理サイトの操作記録",
        "事業定義・職員アカウントなど残す記録についての操作記録",
    ),
    # the audit trail and what is computed from it
    "audit.auditevent": Treatment(
        "全件消去のとき全件（ハッシュ連鎖ごと）",
        "事業単位・日付指定の消去では全件を残す（連鎖の一部だけは消せないため。"
        "消去した企業名等が記録の対象名に残り、全件消去のときに消える）",
    ),
    "audit.auditchain": Treatment(
        "", "連鎖の先頭（件数とハッシュ）。全件消去では新しい連鎖の先頭に戻す"
    ),
    "reporting.monthlyprivacyreport": Treatment(
        "全件消去のとき全件（利用者のメールアドレス・IPアドレスを含む集計）",
        "事業単位・日付指定の消去では残す（監査記録と同じ扱い）",
    ),
    "reporting.privacyreportreminder": Treatment(
        "", "督促メールの送信記録（送信日・対象月・宛先数のみ）"
    ),
    # what holds no personal data
    "programs.program": Treatment("", "事業定義（委託者の仕様。個人情報を含まない）"),
    "programs.programrevision": Treatment("", "事業定義の版"),
    "programs.moneypool": Treatment("", "予算枠"),
    "programs.track": Treatment("", "トラック"),
    "programs.countcap": Treatment("", "件数上限"),
    "funds.fund": Treatment("", "予算・枠の台帳の数字（予約・確定・支払済）"),
    "funds.fundrequest": Treatment(
        "", "枠の申込（対象は「application:番号」等の番号のみで、企業名を含まない）"
    ),
    "funds.ledgerentry": Treatment("", "台帳の記帳（金額と定型のメモのみ）"),
    "auth.group": Treatment("", "ロール（設定）"),
    "auth.permission": Treatment("", "権限（設定）"),
    "contenttypes.contenttype": Treatment("", "モデルの一覧（設定）"),
    "retention.disposalcertificate": Treatment("", "消去証明書（種類と番号のみ）"),
    "retention.disposaltally": Treatment("", "消去前の匿名の集計"),
}
