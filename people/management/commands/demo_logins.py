"""Print the demo logins as a table, with the address to open."""

from django.core.management.base import BaseCommand

from people.demo import DEMO_LOGINS, LEAD_TRAINER
from people.roles import ADMINISTRATOR, LEADER, OFFICER, TRAINER

TYPE_LABELS = {OFFICER: "Cán bộ", TRAINER: "Giảng viên", LEAD_TRAINER: "Giảng viên chính", LEADER: "Lãnh đạo",
               ADMINISTRATOR: "Quản trị viên"}
URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Print the demo logins (username, password, user type) created by seed_demo."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=URL, help="Address shown to open the site (default: %(default)s).")

    def handle(self, *args, **options):
        headers = ("Loại tài khoản", "Tên đăng nhập", "Mật khẩu", "Mô tả")
        rows = [(TYPE_LABELS.get(login.type, login.type), login.username, login.password, login.description)
                for login in DEMO_LOGINS]
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

        def line(cells):
            return "│ " + " │ ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " │"

        def rule(left, mid, right):
            return left + mid.join("─" * (w + 2) for w in widths) + right

        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Học viện Một cửa — tài khoản trải nghiệm"))
        out.write(rule("┌", "┬", "┐"))
        out.write(line(headers))
        out.write(rule("├", "┼", "┤"))
        for row in rows:
            out.write(line(row))
        out.write(rule("└", "┴", "┘"))
        out.write(f"Mở trình duyệt tại: {self.style.SUCCESS(options['url'])}")
        out.write("Mật khẩu trên chỉ dùng để trải nghiệm trên máy của bạn — không dùng cho hệ thống thật.")
        out.write("")
