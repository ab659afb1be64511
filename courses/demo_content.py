"""Content of the three demo courses, written for this project from the facts in shared/domain/DOMAIN.md.

Each lesson is (slug, title, summary, minutes, blocks); a block is (kind, value) as read by courses.demo._body.
"""

# --- Shared media -----------------------------------------------------------------------------------------

FLOW_IMAGE = {
    "key": "quy-trinh-7-buoc",
    "title": "Quy trình giải quyết hồ sơ qua Bộ phận Một cửa",
    "alt": "Sơ đồ bảy bước: hướng dẫn, tiếp nhận, số hóa, chuyển xử lý, thẩm định, trả kết quả, đánh giá",
    "steps": ["Hướng dẫn, công khai", "Tiếp nhận và kiểm tra", "Số hóa hồ sơ", "Chuyển phòng chuyên môn",
              "Thẩm định, quyết định", "Trả kết quả, thu phí", "Đánh giá hài lòng"],
}
BA_BIET_IMAGE = {
    "key": "ba-biet",
    "title": "Ba biết tại quầy: biết cười, biết cám ơn, biết xin lỗi",
    "alt": "Ba ô chữ: biết cười, biết cám ơn, biết xin lỗi",
    "steps": ["Biết cười: chào đón bằng thái độ thân thiện", "Biết cám ơn: ghi nhận sự hợp tác",
              "Biết xin lỗi: nhận trách nhiệm khi chậm, sai"],
}
DIGITISE_IMAGE = {
    "key": "so-hoa-ho-so",
    "title": "Số hóa thành phần hồ sơ tại quầy",
    "alt": "Sơ đồ năm bước số hóa: kiểm tra, quét, đối chiếu, ký số, lưu kho dữ liệu",
    "steps": ["Kiểm tra bản giấy", "Quét đúng chuẩn", "Đối chiếu với bản chính",
              "Ký số xác nhận", "Lưu vào kho dữ liệu điện tử"],
}
FORMS_DOC = {
    "key": "bang-tra-mau-tt03-2025",
    "title": "Bảng tra biểu mẫu Mẫu 01–07 (TT 03/2025/TT-VPCP)",
    "link": "Tải bảng tra biểu mẫu Mẫu 01–07",
    "description": "Tên, mục đích và thời điểm dùng từng mẫu, để in dán tại quầy.",
    "text": """
BẢNG TRA BIỂU MẪU THEO THÔNG TƯ 03/2025/TT-VPCP (PHỤ LỤC I)
Dùng tại Bộ phận Một cửa / Trung tâm Phục vụ hành chính công

Mẫu 01 - Giấy tiếp nhận hồ sơ và hẹn trả kết quả: khi hồ sơ đầy đủ, hợp lệ.
Mẫu 02 - Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: khi hồ sơ thiếu hoặc chưa hợp lệ; hướng dẫn đầy đủ, một lần.
Mẫu 03 - Phiếu từ chối tiếp nhận giải quyết hồ sơ: khi hồ sơ không đủ điều kiện; ghi rõ lý do.
Mẫu 04 - Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết: khi hồ sơ có nguy cơ trễ hạn.
Mẫu 05 - Thông báo dừng giải quyết hồ sơ: khi phải dừng giải quyết theo quy định.
Mẫu 06 - Phiếu kiểm soát quá trình giải quyết hồ sơ: đi theo hồ sơ qua từng bước xử lý.
Mẫu 07 - Sổ theo dõi hồ sơ: ghi nhận việc tiếp nhận, chuyển, trả kết quả.

Ghi chú: đối chiếu văn bản gốc của Thông tư trước khi in mẫu chính thức.
""",
}
CONDUCT_DOC = {
    "key": "quy-tac-ung-xu-tai-quay",
    "title": "Thẻ nhắc quy tắc ứng xử tại quầy",
    "link": "Tải thẻ nhắc quy tắc ứng xử",
    "description": "Một trang: chào hỏi, lắng nghe, giải thích, xin lỗi, ghi nhận phản ánh.",
    "text": """
THẺ NHẮC QUY TẮC ỨNG XỬ TẠI QUẦY

1. Đeo thẻ công chức, trang phục gọn gàng; có mặt trước giờ mở quầy.
2. Chào người dân, giới thiệu tên và việc mình có thể giúp.
3. Lắng nghe hết ý, không ngắt lời; hỏi lại để chắc đã hiểu đúng.
4. Giải thích bằng lời dễ hiểu, không dùng thuật ngữ khó; kiểm tra người dân đã hiểu.
5. Không làm việc riêng khi người dân đang chờ; không hứa hẹn điều không chắc chắn.
6. Khi chậm trễ hoặc sai sót: xin lỗi, nói rõ lý do và hẹn lại cụ thể.
7. Khi người dân bức xúc: giữ bình tĩnh, mời sang chỗ yên tĩnh, báo lãnh đạo khi cần.
8. Ghi nhận phản ánh, kiến nghị và chuyển đúng nơi xử lý; mời người dân đánh giá mức độ hài lòng.
""",
}
DATA_DOC = {
    "key": "kiem-tra-bao-mat-cuoi-ngay",
    "title": "Danh mục tự kiểm tra an toàn dữ liệu cuối ngày",
    "link": "Tải danh mục tự kiểm tra an toàn dữ liệu",
    "description": "Mười việc cần làm trước khi rời quầy để bảo vệ dữ liệu cá nhân của người dân.",
    "text": """
DANH MỤC TỰ KIỂM TRA AN TOÀN DỮ LIỆU CUỐI NGÀY

[ ] Đăng xuất khỏi hệ thống thông tin giải quyết TTHC và các phần mềm chuyên ngành.
[ ] Rút thiết bị ký số (USB token) và cất vào nơi có khóa.
[ ] Không để hồ sơ giấy trên mặt quầy; cất vào tủ có khóa.
[ ] Xóa các tệp quét tạm trên máy tính sau khi đã lưu vào hệ thống.
[ ] Không lưu ảnh giấy tờ của người dân trên điện thoại cá nhân.
[ ] Không ghi mật khẩu, mã OTP lên giấy dán cạnh màn hình.
[ ] Tắt máy quét, khóa màn hình máy tính.
[ ] Báo ngay cho bộ phận công nghệ thông tin nếu nghi ngờ lộ lọt dữ liệu.
[ ] Kiểm tra giấy tờ người dân để quên và bàn giao theo quy định.
[ ] Ghi sổ bàn giao ca (nếu làm theo ca).
""",
}
VNEID_VIDEO = {
    "url": "/static/courses/demo/huong-dan-nop-ho-so-truc-tuyen.webm",
    "src": "/static/courses/demo/huong-dan-nop-ho-so-truc-tuyen.webm",
    "provider": "Học viện Một cửa",
    "title": "Hướng dẫn người dân nộp hồ sơ trực tuyến bằng tài khoản VNeID",
    "transcript": (
        "Bước 1. Mở Cổng Dịch vụ công quốc gia tại địa chỉ dichvucong.gov.vn và chọn Đăng nhập.\n"
        "Bước 2. Chọn đăng nhập bằng tài khoản định danh điện tử VNeID, quét mã QR bằng ứng dụng VNeID "
        "hoặc nhập số định danh cá nhân và mật khẩu.\n"
        "Bước 3. Tìm thủ tục cần thực hiện bằng ô tìm kiếm, chọn đúng cơ quan giải quyết.\n"
        "Bước 4. Điền tờ khai; nhiều thông tin đã được điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư, "
        "người dân chỉ kiểm tra lại.\n"
        "Bước 5. Đính kèm thành phần hồ sơ theo danh sách, thanh toán phí, lệ phí trực tuyến nếu có.\n"
        "Bước 6. Nộp hồ sơ, ghi lại mã hồ sơ để tra cứu tiến độ và nhận kết quả."
    ),
}

GREETING_VIDEO = {
    "url": "/static/courses/demo/don-tiep-nguoi-dan-tai-quay.webm",
    "src": "/static/courses/demo/don-tiep-nguoi-dan-tai-quay.webm",
    "provider": "Học viện Một cửa",
    "title": "Đón tiếp người dân tại quầy trong một phút",
    "transcript": (
        "Chào hỏi: nhìn người dân, mỉm cười, chào và giới thiệu tên mình.\n"
        "Lắng nghe: để người dân nói hết nhu cầu, không ngắt lời.\n"
        "Hỏi lại: tóm tắt nhu cầu bằng lời của mình và hỏi người dân đã đúng chưa.\n"
        "Hướng dẫn: nói rõ từng việc cần làm; nếu phải bổ sung, đưa Phiếu yêu cầu bổ sung một lần, đầy đủ.\n"
        "Kết thúc: cám ơn người dân, hẹn rõ ngày giờ và mời đánh giá mức độ hài lòng."
    ),
}


def p(html: str) -> tuple:
    return ("p", html)


# --- Course 1: procedure handling ---------------------------------------------------------------------------

PROCEDURE_COURSE = {
    "slug": "tiep-nhan-va-tra-ket-qua-theo-nd-118",
    "title": "Tiếp nhận và trả kết quả hồ sơ theo Nghị định 118/2025/NĐ-CP",
    "area": "procedure",
    "hours": 6,
    "validity": 12,
    "roles": ["TN", "HD", "TL", "QL"],
    "grants": [("NV01", 2), ("NV03", 3), ("NV04", 3), ("NV05", 3), ("NV06", 2), ("NV08", 2)],
    "summary": (
        "Quy trình một cửa từ khi người dân đến quầy đến khi nhận kết quả: khung pháp lý mới từ 01/7/2025, "
        "các biểu mẫu Mẫu 01–07, yêu cầu bổ sung một lần, tiếp nhận không phụ thuộc địa giới và những hành vi "
        "bị nghiêm cấm."
    ),
    "description": (
        "<p>Khóa học dành cho công chức tiếp nhận và trả kết quả, người hướng dẫn, chuyên viên thụ lý và "
        "lãnh đạo Trung tâm Phục vụ hành chính công cấp xã. Sau khóa học, học viên tự tin quyết định "
        "<b>tiếp nhận, yêu cầu bổ sung hay từ chối</b> một hồ sơ, dùng đúng biểu mẫu cho từng tình huống "
        "và xử lý hồ sơ có nguy cơ trễ hạn.</p>"
    ),
    "legal_basis": [
        "NĐ 118/2025/NĐ-CP ngày 09/6/2025 (hiệu lực 01/7/2025)",
        "TT 03/2025/TT-VPCP ngày 15/9/2025, Phụ lục I (Mẫu 01–07)",
        "NĐ 118/2025/NĐ-CP, Điều 5 (hành vi không được làm)",
    ],
    "modules": [
        ("khung-phap-ly", "Khung pháp lý mới của cơ chế một cửa",
         "Những gì thay đổi từ 01/7/2025 và vì sao quầy một cửa ở phường, xã phải nắm chắc.",
         [
             ("tu-nd-61-den-nd-118", "Từ Nghị định 61/2018 đến Nghị định 118/2025",
              "Văn bản nào còn hiệu lực, văn bản nào đã trở thành tài liệu tham khảo.", 12, [
                  p("<p>Từ ngày <b>01/7/2025</b>, cả nước vận hành chính quyền địa phương hai cấp (tỉnh và xã). "
                    "Cùng ngày, <b>Nghị định 118/2025/NĐ-CP</b> về thực hiện thủ tục hành chính theo cơ chế một cửa, "
                    "một cửa liên thông có hiệu lực, thay thế Nghị định 61/2018/NĐ-CP và Nghị định 107/2021/NĐ-CP.</p>"
                    "<p>Việc hướng dẫn thi hành được quy định tại <b>Thông tư 03/2025/TT-VPCP</b> ngày 15/9/2025, "
                    "trong đó Phụ lục I ban hành các biểu mẫu từ Mẫu 01 đến Mẫu 07.</p>"),
                  ("callout", ("legal", "Văn bản đang áp dụng",
                               "<ul><li>Nghị định 118/2025/NĐ-CP ngày 09/6/2025</li>"
                               "<li>Thông tư 03/2025/TT-VPCP ngày 15/9/2025</li></ul>")),
                  ("callout", ("warning", "Tài liệu cũ",
                               "<p>Tài liệu soạn theo Nghị định 61/2018 và Thông tư 01/2018/TT-VPCP (Mẫu 01–06) "
                               "chỉ dùng để tham khảo. Đặc biệt, Mẫu 04 và Mẫu 05 đã đổi nội dung.</p>")),
                  ("glossary", ("Thuật ngữ của bài", [
                      ("TTHC", "Thủ tục hành chính."),
                      ("TTPVHCC cấp xã", "Trung tâm Phục vụ hành chính công cấp xã, nơi đặt Bộ phận Một cửa của "
                                         "phường, xã từ 01/7/2025."),
                      ("Một cửa liên thông", "Một đầu mối tiếp nhận cho thủ tục cần nhiều cơ quan cùng giải quyết."),
                  ])),
              ]),
             ("nhiem-vu-trung-tam", "Nhiệm vụ của Trung tâm Phục vụ hành chính công cấp xã",
              "Ba nhóm chức năng và vai trò của từng vị trí tại quầy.", 10, [
                  p("<p>Trung tâm Phục vụ hành chính công cấp xã do Ủy ban nhân dân cấp xã thành lập, có con dấu "
                    "và tài khoản riêng. Có thể hình dung nhiệm vụ của Trung tâm theo ba nhóm:</p>"
                    "<ol><li><b>Tiếp nhận, số hóa, trả kết quả</b>: công khai thủ tục, hướng dẫn, kiểm tra hồ sơ, "
                    "số hóa, chuyển xử lý, trả kết quả và thu phí, lệ phí.</li>"
                    "<li><b>Kiểm soát thủ tục hành chính</b>: theo dõi, đôn đốc cơ quan chuyên môn giải quyết đúng hạn, "
                    "thông tin tiến độ cho người dân.</li>"
                    "<li><b>Chính quyền số</b>: vận hành và giám sát hệ thống thông tin giải quyết thủ tục.</li></ol>"),
                  ("image", dict(FLOW_IMAGE, caption="Bảy bước của một hồ sơ qua Bộ phận Một cửa.")),
                  ("checklist", ("Tôi đã nắm được", [
                      "Trung tâm cấp xã được thành lập bởi Ủy ban nhân dân cấp xã",
                      "Ba nhóm nhiệm vụ của Trung tâm",
                      "Vị trí việc làm của tôi thuộc nhóm nhiệm vụ nào",
                  ])),
              ]),
             ("nguyen-tac-va-hanh-vi-bi-cam", "Nguyên tắc phục vụ và những hành vi bị nghiêm cấm",
              "Lấy sự hài lòng của người dân làm thước đo; những việc tuyệt đối không làm.", 15, [
                  p("<p>Cơ chế một cửa lấy <b>sự hài lòng của tổ chức, cá nhân</b> làm thước đo chất lượng. Việc giải "
                    "quyết phải kịp thời, đúng pháp luật, công khai, minh bạch, không phát sinh chi phí ngoài quy "
                    "định và có trách nhiệm giải trình.</p>"),
                  ("callout", ("warning", "Những hành vi bị nghiêm cấm",
                               "<ul><li>Cửa quyền, sách nhiễu, gây phiền hà cho người dân.</li>"
                               "<li>Cản trở người dân lựa chọn hình thức nộp hồ sơ (trực tiếp, bưu chính, trực tuyến).</li>"
                               "<li>Ngăn chặn, sửa đổi, xóa hoặc làm sai lệch dữ liệu điện tử.</li>"
                               "<li>Tiết lộ thông tin hồ sơ, thông tin cá nhân hoặc dùng vì vụ lợi.</li>"
                               "<li>Từ chối, kéo dài thời gian, yêu cầu thêm giấy tờ ngoài quy định.</li>"
                               "<li>Tự liên hệ người dân để bổ sung hồ sơ ngoài Bộ phận Một cửa.</li>"
                               "<li>Đùn đẩy trách nhiệm, giải quyết thiếu công bằng, trái pháp luật.</li></ul>")),
                  ("case", ("Lời đề nghị \"giúp cho nhanh\"",
                            "<p>Một người dân nộp hồ sơ cấp lại giấy chứng nhận đăng ký hộ kinh doanh, xin số điện "
                            "thoại riêng của anh Minh và ngỏ ý \"gửi chút quà\" để được trả kết quả sớm.</p>",
                            "Anh Minh nên trả lời và xử lý thế nào?",
                            "<ul><li>Từ chối lịch sự, không nhận quà, không cho số riêng: mọi liên hệ qua Bộ phận "
                            "Một cửa và số điện thoại của Trung tâm.</li>"
                            "<li>Giải thích thời hạn giải quyết và cách tra cứu tiến độ bằng mã hồ sơ.</li>"
                            "<li>Nếu người dân cần gấp vì lý do chính đáng, báo lãnh đạo Trung tâm để được xem xét "
                            "theo quy định, không \"đi đường tắt\".</li></ul>")),
              ]),
         ]),
        ("tiep-nhan-va-kiem-tra", "Tiếp nhận và kiểm tra hồ sơ",
         "Quyết định đúng: tiếp nhận, yêu cầu bổ sung một lần hay từ chối, với biểu mẫu tương ứng.",
         [
             ("quy-trinh-tiep-nhan", "Quy trình tiếp nhận và các biểu mẫu Mẫu 01–07",
              "Từng bước tiếp nhận tại quầy và mẫu giấy tờ dùng ở mỗi bước.", 15, [
                  p("<p>Mỗi hồ sơ đến quầy đều phải có một kết quả rõ ràng ngay tại chỗ: được tiếp nhận, được "
                    "hướng dẫn bổ sung hoặc bị từ chối có lý do. Không có hồ sơ \"để đó tính sau\".</p>"),
                  ("procedure", ("Tiếp nhận một hồ sơ trực tiếp", [
                      ("Xác định thủ tục và thẩm quyền",
                       "<p>Tra danh mục thủ tục; nếu không thuộc phạm vi, hướng dẫn người dân đến đúng cơ quan.</p>", ""),
                      ("Kiểm tra thành phần, tính hợp lệ",
                       "<p>Đối chiếu từng thành phần với danh mục đã công khai; khai thác dữ liệu đã có, không "
                       "yêu cầu nộp lại giấy tờ nhà nước đã quản lý.</p>", ""),
                      ("Hồ sơ thiếu hoặc chưa hợp lệ",
                       "<p>Hướng dẫn <b>đầy đủ, một lần</b> bằng văn bản.</p>", "Mẫu 02"),
                      ("Hồ sơ không đủ điều kiện",
                       "<p>Từ chối bằng văn bản, ghi rõ lý do.</p>", "Mẫu 03"),
                      ("Hồ sơ đầy đủ, hợp lệ",
                       "<p>Nhập hệ thống, cấp mã hồ sơ, in giấy tiếp nhận và hẹn ngày trả.</p>", "Mẫu 01"),
                      ("Số hóa và chuyển xử lý",
                       "<p>Số hóa thành phần hồ sơ, chuyển phòng chuyên môn kèm phiếu kiểm soát; ghi sổ theo dõi.</p>",
                       "Mẫu 06, Mẫu 07"),
                  ])),
                  ("document", FORMS_DOC),
              ]),
             ("bo-sung-mot-lan", "Yêu cầu bổ sung hồ sơ đúng một lần",
              "Vì sao chỉ được yêu cầu bổ sung một lần và cách viết Phiếu yêu cầu bổ sung.", 12, [
                  p("<p>Người dân phải đi lại nhiều lần vì mỗi lần được \"chỉ thêm một giấy\" là lỗi phục vụ phổ biến "
                    "nhất. Nguyên tắc: khi hồ sơ chưa đầy đủ, công chức hướng dẫn <b>một lần, đầy đủ, bằng văn "
                    "bản</b> (Mẫu 02). Phòng chuyên môn cũng chỉ yêu cầu bổ sung thông qua Bộ phận Một cửa.</p>"),
                  ("checklist", ("Trước khi đưa Phiếu yêu cầu bổ sung (Mẫu 02)", [
                      "Đã kiểm tra hết mọi thành phần, không chỉ thành phần đầu tiên bị thiếu",
                      "Ghi rõ tên giấy tờ cần bổ sung và lý do",
                      "Ghi rõ số lượng bản chính, bản sao cần có",
                      "Người dân đã hiểu và được giao một bản Phiếu",
                  ])),
                  ("case", ("Hồ sơ thiếu hai giấy tờ",
                            "<p>Chị Hoa nộp hồ sơ đăng ký khai sinh cho con. Công chức phát hiện thiếu giấy chứng "
                            "sinh, liền hẹn chị quay lại. Hôm sau chị mang giấy chứng sinh đến thì được báo thiếu "
                            "thêm văn bản ủy quyền vì người đi nộp không phải cha mẹ.</p>",
                            "Công chức đã làm sai điều gì và lẽ ra phải làm thế nào?",
                            "<p>Công chức đã yêu cầu bổ sung <b>hai lần</b>. Lẽ ra phải kiểm tra toàn bộ hồ sơ ngay "
                            "lần đầu và ghi cả hai thành phần còn thiếu vào <b>một</b> Phiếu yêu cầu bổ sung, hoàn "
                            "thiện hồ sơ (Mẫu 02), giải thích để chị Hoa chuẩn bị đủ trong một lần quay lại.</p>")),
              ]),
             ("khong-phu-thuoc-dia-gioi", "Tiếp nhận không phụ thuộc địa giới hành chính",
              "Nhận hồ sơ của người dân ở phường khác trong cùng tỉnh, thành phố.", 10, [
                  p("<p>Theo Nghị định 118/2025, Trung tâm Phục vụ hành chính công cấp tỉnh và cấp xã tiếp nhận hồ sơ "
                    "<b>không phụ thuộc vào địa giới hành chính</b> trong phạm vi tỉnh, thành phố đối với các thủ tục "
                    "đã được công bố. Người dân ở phường Bình Quới có thể nộp hồ sơ tại Trung tâm phường Gia Định.</p>"),
                  ("callout", ("note", "Ghi nhớ",
                               "<p>Nơi tiếp nhận không nhất thiết là nơi giải quyết. Công chức tiếp nhận, số hóa, rồi "
                               "chuyển hồ sơ điện tử đến cơ quan có thẩm quyền và theo dõi việc trả kết quả.</p>")),
                  ("case", ("Người dân ở phường khác",
                            "<p>Ông Tùng sống ở phường Thạnh Mỹ Tây nhưng làm việc gần Trung tâm phường Gia Định. "
                            "Ông đến nộp hồ sơ chứng thực bản sao từ bản chính.</p>",
                            "Có được từ chối vì ông không cư trú tại phường không?",
                            "<p>Không. Thủ tục thuộc danh mục tiếp nhận không phụ thuộc địa giới, nên Trung tâm tiếp "
                            "nhận bình thường. Với chứng thực bản sao, kết quả thường trả trong ngày; lệ phí "
                            "2.000 đồng/trang cho hai trang đầu, 1.000 đồng/trang từ trang thứ ba, tối đa "
                            "200.000 đồng/bản.</p>")),
              ]),
         ]),
        ("thoi-han-va-tra-ket-qua", "Thời hạn, trễ hạn và trả kết quả",
         "Theo dõi thời hạn, xin lỗi và gia hạn đúng cách, trả kết quả và mời đánh giá.",
         [
             ("theo-doi-thoi-han", "Theo dõi thời hạn giải quyết",
              "Đọc phiếu kiểm soát, ngày làm việc và cảnh báo sớm.", 10, [
                  p("<p>Thời hạn giải quyết tính theo <b>ngày làm việc</b> từ khi tiếp nhận hồ sơ hợp lệ. Phiếu kiểm "
                    "soát quá trình giải quyết (Mẫu 06) cho biết hồ sơ đang ở đâu, ai đang giữ và còn bao nhiêu ngày.</p>"
                    "<p>Hồ sơ nhận sau 15 giờ của một số thủ tục (ví dụ chứng thực) được trả vào ngày làm việc tiếp "
                    "theo; hãy nói rõ điều này khi hẹn.</p>"),
                  ("glossary", ("Thuật ngữ về thời hạn", [
                      ("Đúng hạn", "Kết quả được trả trong thời hạn đã hẹn trên Mẫu 01."),
                      ("Trước hạn", "Kết quả có trước ngày hẹn; báo người dân để nhận sớm."),
                      ("Trễ hạn", "Quá ngày hẹn mà chưa có kết quả; phải xin lỗi và hẹn lại bằng văn bản."),
                  ])),
                  ("checklist", ("Mỗi sáng, kiểm tra", [
                      "Danh sách hồ sơ đến hạn hôm nay và ngày mai",
                      "Hồ sơ đang chờ phòng chuyên môn quá lâu",
                      "Hồ sơ đã có kết quả nhưng người dân chưa đến nhận",
                  ])),
              ]),
             ("xin-loi-va-gia-han", "Xin lỗi và đề nghị gia hạn (Mẫu 04)",
              "Khi hồ sơ có nguy cơ trễ hạn: ai làm, làm gì, làm khi nào.", 12, [
                  p("<p>Khi hồ sơ có nguy cơ trễ hạn, cơ quan giải quyết phải gửi <b>Văn bản xin lỗi và đề nghị gia hạn "
                    "thời gian giải quyết (Mẫu 04)</b> trước ngày hẹn, nêu rõ lý do và ngày hẹn mới. Đây là mẫu đã đổi "
                    "so với \"Phiếu xin lỗi và hẹn lại ngày trả kết quả\" trước đây.</p>"),
                  ("procedure", ("Xử lý hồ sơ có nguy cơ trễ hạn", [
                      ("Phát hiện sớm", "<p>Chuyên viên thụ lý báo ngay khi thấy không kịp hạn.</p>", "Mẫu 06"),
                      ("Lập văn bản xin lỗi", "<p>Nêu lý do cụ thể, ngày hẹn mới; lãnh đạo ký.</p>", "Mẫu 04"),
                      ("Thông báo người dân", "<p>Qua Bộ phận Một cửa: trực tiếp, tin nhắn, điện thoại hoặc thư.</p>", ""),
                      ("Cập nhật hệ thống và sổ", "<p>Ghi ngày hẹn mới vào hệ thống và sổ theo dõi.</p>", "Mẫu 07"),
                  ])),
                  ("callout", ("legal", "Khi phải dừng giải quyết",
                               "<p>Trường hợp phải dừng giải quyết hồ sơ theo quy định, dùng <b>Thông báo dừng giải quyết "
                               "hồ sơ (Mẫu 05)</b>, một mẫu mới của Thông tư 03/2025.</p>")),
              ]),
             ("tra-ket-qua-va-danh-gia", "Trả kết quả, thu phí và mời đánh giá",
              "Kết thúc một hồ sơ trọn vẹn.", 10, [
                  p("<p>Khi trả kết quả, đối chiếu giấy tiếp nhận (Mẫu 01), thu phí, lệ phí (nếu có) và giao biên lai. "
                    "Người dân có thể nhận kết quả tại quầy, qua dịch vụ bưu chính công ích hoặc trực tuyến.</p>"),
                  ("video", VNEID_VIDEO),
                  ("checklist", ("Khi trả kết quả", [
                      "Đối chiếu giấy tiếp nhận và giấy tờ tùy thân hoặc văn bản ủy quyền",
                      "Kiểm tra kết quả đúng tên, đúng nội dung trước khi giao",
                      "Thu phí, lệ phí và giao biên lai",
                      "Mời người dân đánh giá mức độ hài lòng",
                  ])),
              ]),
         ]),
    ],
}

# --- Course 2: communication ---------------------------------------------------------------------------------

COMMUNICATION_COURSE = {
    "slug": "van-hoa-ung-xu-tai-bo-phan-mot-cua",
    "title": "Văn hóa ứng xử và giao tiếp với người dân tại Bộ phận Một cửa",
    "area": "communication",
    "hours": 4,
    "validity": 24,
    "roles": ["TN", "HD", "TL", "QL", "LD", "IT"],
    "grants": [("GT01", 3), ("GT02", 3), ("GT03", 2), ("GT07", 2)],
    "summary": (
        "Chuẩn mực đạo đức công vụ, \"3 biết\" tại quầy, giao tiếp rõ ràng với mọi người dân và cách xử lý "
        "tình huống khó, phản ánh, kiến nghị."
    ),
    "description": (
        "<p>Người dân nhớ về Trung tâm qua cách họ được đón tiếp. Khóa học giúp mỗi cán bộ chào hỏi, lắng nghe, "
        "giải thích và xin lỗi đúng lúc, giữ bình tĩnh trước người dân bức xúc và biến phản ánh thành cải tiến.</p>"
    ),
    "legal_basis": [
        "QĐ 129/2007/QĐ-TTg về quy chế văn hóa công sở",
        "QĐ 03/2007/QĐ-BNV về quy tắc ứng xử của cán bộ, công chức, viên chức",
        "NĐ 118/2025/NĐ-CP, Điều 5 (hành vi không được làm)",
    ],
    "modules": [
        ("dao-duc-cong-vu", "Đạo đức công vụ và văn hóa công sở",
         "Những chuẩn mực tối thiểu mà người dân có quyền chờ đợi ở quầy.",
         [
             ("chuan-muc-tai-quay", "Chuẩn mực tại quầy",
              "Trang phục, thẻ công chức, giờ giấc và không làm việc riêng.", 8, [
                  p("<p>Quy chế văn hóa công sở yêu cầu cán bộ mặc trang phục gọn gàng, <b>đeo thẻ công chức</b>, "
                    "đúng giờ và dùng ngôn ngữ lịch sự, rõ ràng. Tại Bộ phận Một cửa, người dân nhìn thấy mọi việc "
                    "chúng ta làm: một cuộc gọi riêng khi họ đang chờ cũng là một lỗi phục vụ.</p>"),
                  ("checklist", ("Trước giờ mở quầy", [
                      "Đeo thẻ công chức ở vị trí dễ nhìn",
                      "Bàn làm việc gọn, không có đồ dùng cá nhân trên mặt quầy",
                      "Điện thoại cá nhân để chế độ im lặng",
                      "Máy tính, máy quét, thiết bị ký số sẵn sàng",
                  ])),
                  ("document", CONDUCT_DOC),
              ]),
             ("nhung-dieu-khong-lam", "Những điều không làm",
              "Phân biệt đối xử, thờ ơ, hứa hẹn không chắc chắn.", 8, [
                  p("<p>Quy tắc ứng xử của nhiều địa phương cho Trung tâm Phục vụ hành chính công cùng nhấn mạnh: "
                    "không phân biệt đối xử, không thờ ơ, không làm việc riêng khi người dân chờ, không hứa hẹn "
                    "điều không có cơ sở và luôn giữ bình tĩnh.</p>"),
                  ("callout", ("warning", "Cửa quyền, sách nhiễu",
                               "<p>Thái độ \"ban ơn\", bắt người dân chờ không lý do hay đòi thêm giấy tờ ngoài quy định "
                               "là hành vi bị nghiêm cấm, không chỉ là thiếu lịch sự.</p>")),
                  ("case", ("Hai người dân cùng lúc",
                            "<p>Chị Lan đang hướng dẫn một cụ bà điền tờ khai thì một người quen của lãnh đạo "
                            "phường đến, đề nghị được giải quyết trước.</p>",
                            "Chị Lan nên làm gì?",
                            "<p>Giữ đúng thứ tự: lịch sự mời người đến sau lấy số và chờ; tiếp tục hỗ trợ cụ bà. "
                            "Ưu tiên chỉ dành cho đối tượng theo quy định (người cao tuổi, người khuyết tật, phụ "
                            "nữ mang thai…), không dành cho \"người quen\".</p>")),
              ]),
             ("ba-biet", "\"3 biết\": biết cười, biết cám ơn, biết xin lỗi",
              "Một khẩu hiệu ngắn để nhớ mỗi ngày.", 6, [
                  p("<p>Nhiều địa phương dùng khẩu hiệu <b>\"3 biết\"</b> để nhắc cán bộ một cửa: <b>biết cười</b> khi "
                    "đón người dân, <b>biết cám ơn</b> khi họ hợp tác và <b>biết xin lỗi</b> khi chúng ta chậm trễ "
                    "hay sai sót.</p>"),
                  ("image", dict(BA_BIET_IMAGE, caption="\"3 biết\" là thói quen, không phải khẩu hiệu treo tường.")),
                  ("glossary", ("Cách nói gợi ý", [
                      ("Chào hỏi", "\"Chào anh/chị, tôi là Lan. Anh/chị cần làm thủ tục gì ạ?\""),
                      ("Cám ơn", "\"Cám ơn anh/chị đã chuẩn bị hồ sơ đầy đủ.\""),
                      ("Xin lỗi", "\"Tôi xin lỗi vì anh/chị phải chờ lâu. Hồ sơ sẽ có kết quả vào…\""),
                  ])),
              ]),
         ]),
        ("giao-tiep-ro-rang", "Giao tiếp rõ ràng với mọi người dân",
         "Lắng nghe, giải thích bằng lời dễ hiểu và hỗ trợ người yếu thế.",
         [
             ("lang-nghe-va-hoi-lai", "Lắng nghe và hỏi lại",
              "Hiểu đúng nhu cầu trước khi hướng dẫn.", 8, [
                  p("<p>Phần lớn hồ sơ phải bổ sung bắt đầu từ một lần hiểu sai nhu cầu. Hãy để người dân nói hết, "
                    "rồi <b>nhắc lại bằng lời của mình</b> để xác nhận: \"Như vậy anh cần cấp lại giấy chứng nhận "
                    "đăng ký hộ kinh doanh vì bị mất, đúng không ạ?\"</p>"),
                  ("procedure", ("Bốn bước một cuộc trao đổi tại quầy", [
                      ("Chào và giới thiệu", "<p>Nhìn người dân, chào, nói tên mình.</p>", ""),
                      ("Lắng nghe", "<p>Không ngắt lời, ghi chú ý chính.</p>", ""),
                      ("Hỏi lại để xác nhận", "<p>Tóm tắt nhu cầu, hỏi người dân đúng chưa.</p>", ""),
                      ("Hướng dẫn và kiểm tra đã hiểu", "<p>Giải thích từng bước; mời người dân nhắc lại việc cần "
                                                        "chuẩn bị.</p>", "Mẫu 02 nếu cần bổ sung"),
                  ])),
                  ("video", GREETING_VIDEO),
                  ("callout", ("note", "Xưng hô", "<p>Dùng cách xưng hô lịch sự, bình đẳng, phù hợp với văn hóa công sở; "
                                                  "tránh xưng hô quá thân mật hoặc trịch thượng.</p>")),
              ]),
             ("giai-thich-de-hieu", "Giải thích bằng lời dễ hiểu",
              "Biến thuật ngữ hành chính thành lời nói hằng ngày.", 8, [
                  p("<p>\"Thành phần hồ sơ chưa hợp lệ\" khó hiểu hơn nhiều so với \"Bản sao này chưa được chứng thực, "
                    "anh cần mang bản chính để đối chiếu\". Hãy nói việc cần làm, không chỉ nói quy định.</p>"),
                  ("glossary", ("Đổi thuật ngữ thành lời thường", [
                      ("Thành phần hồ sơ", "Những giấy tờ anh/chị cần nộp."),
                      ("Bản sao có chứng thực", "Bản photo đã được đóng dấu xác nhận giống bản chính."),
                      ("Trả kết quả", "Ngày anh/chị đến nhận giấy tờ đã giải quyết xong."),
                  ])),
                  ("checklist", ("Sau mỗi lần hướng dẫn", [
                      "Người dân nhắc lại được các giấy tờ cần mang",
                      "Đã đưa hướng dẫn bằng văn bản nếu cần bổ sung",
                      "Người dân biết ngày, giờ và nơi quay lại",
                  ])),
              ]),
             ("ho-tro-nguoi-yeu-the", "Hỗ trợ người cao tuổi, người khuyết tật, người chưa quen công nghệ",
              "Ưu tiên đúng đối tượng và điều chỉnh cách hỗ trợ.", 10, [
                  p("<p>Người cao tuổi, người khuyết tật, phụ nữ mang thai được ưu tiên theo quy định. Với người chưa "
                    "quen dùng điện thoại thông minh, hãy hỗ trợ nộp hồ sơ tại quầy thay vì yêu cầu họ tự nộp trực "
                    "tuyến: người dân có quyền lựa chọn hình thức nộp.</p>"),
                  ("case", ("Cụ ông không dùng điện thoại thông minh",
                            "<p>Cụ ông 78 tuổi đến nộp hồ sơ. Một cán bộ hướng dẫn cụ \"về nhà cài VNeID rồi nộp "
                            "online cho nhanh\".</p>",
                            "Cách hướng dẫn này có đúng không?",
                            "<p>Không. Cản trở người dân lựa chọn hình thức nộp hồ sơ là hành vi bị cấm. Cán bộ phải "
                            "tiếp nhận trực tiếp tại quầy; có thể giới thiệu thêm dịch vụ trực tuyến như một lựa "
                            "chọn, nếu cụ muốn, hoặc hướng dẫn người thân hỗ trợ cụ lần sau.</p>")),
                  ("callout", ("note", "Ưu tiên", "<p>Bố trí chỗ ngồi chờ gần quầy, nói chậm, rõ; viết hướng dẫn bằng chữ "
                                                  "to khi cần.</p>")),
              ]),
         ]),
        ("tinh-huong-kho", "Tình huống khó, phản ánh và đánh giá hài lòng",
         "Giữ bình tĩnh, ghi nhận và chuyển đúng nơi; dùng đánh giá để cải tiến.",
         [
             ("nguoi-dan-buc-xuc", "Khi người dân bức xúc",
              "Các bước làm dịu căng thẳng tại quầy.", 12, [
                  p("<p>Người dân bức xúc thường vì đã phải đi lại nhiều lần hoặc không được giải thích. Mục tiêu "
                    "đầu tiên là <b>làm dịu</b>, sau đó mới là giải quyết.</p>"),
                  ("procedure", ("Làm dịu căng thẳng", [
                      ("Giữ bình tĩnh", "<p>Hạ giọng, không tranh cãi, không nói \"đó là quy định\" ngay.</p>", ""),
                      ("Lắng nghe hết", "<p>Để người dân nói, ghi lại sự việc.</p>", ""),
                      ("Thừa nhận và xin lỗi", "<p>Xin lỗi về sự bất tiện, kể cả khi lỗi chưa rõ thuộc về ai.</p>", ""),
                      ("Đưa ra việc cụ thể", "<p>Nói rõ bước tiếp theo và thời gian.</p>", "Mẫu 04 nếu trễ hạn"),
                      ("Báo lãnh đạo khi cần", "<p>Mời lãnh đạo Trung tâm nếu người dân yêu cầu hoặc vượt thẩm quyền.</p>", ""),
                  ])),
                  ("case", ("Hồ sơ trễ hẹn lần thứ hai",
                            "<p>Bà Mai đến nhận kết quả đăng ký biến động đất đai nhưng hồ sơ chưa xong; bà lớn tiếng "
                            "và quay video tại quầy.</p>",
                            "Anh/chị xử lý thế nào?",
                            "<ul><li>Giữ bình tĩnh, không cấm quay phim, mời bà ngồi.</li>"
                            "<li>Xin lỗi, kiểm tra ngay hồ sơ đang ở bước nào trên hệ thống.</li>"
                            "<li>Nếu chưa có Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04), báo lãnh đạo để lập ngay và "
                            "hẹn ngày cụ thể.</li>"
                            "<li>Ghi nhận phản ánh vào sổ, chuyển lãnh đạo Trung tâm theo dõi.</li></ul>")),
              ]),
             ("ghi-nhan-phan-anh", "Ghi nhận và chuyển phản ánh, kiến nghị",
              "Mỗi phản ánh phải có nơi nhận và người trả lời.", 8, [
                  p("<p>Phản ánh, kiến nghị của người dân được ghi nhận đầy đủ (họ tên, liên hệ, nội dung, mã hồ sơ nếu "
                    "có) và chuyển đúng người có trách nhiệm. Không hứa kết quả thay cho người có thẩm quyền.</p>"),
                  ("checklist", ("Khi ghi nhận phản ánh", [
                      "Ghi đúng lời người dân, không diễn giải theo ý mình",
                      "Hỏi cách liên hệ lại",
                      "Nói rõ ai sẽ trả lời và khoảng thời gian",
                      "Chuyển ngay cho lãnh đạo Trung tâm",
                  ])),
                  ("callout", ("note", "Học từ tình huống", "<p>Tình huống khó đã xử lý xong là tài liệu quý: ghi lại ngắn "
                                                             "gọn để cả tổ rút kinh nghiệm.</p>")),
              ]),
             ("danh-gia-hai-long", "Mời người dân đánh giá mức độ hài lòng",
              "Các kênh đánh giá và cách dùng kết quả.", 8, [
                  p("<p>Sự hài lòng của người dân là thước đo chất lượng phục vụ. Người dân có thể đánh giá qua phiếu "
                    "giấy, thiết bị tại quầy (kiosk) hoặc trực tuyến. Chỉ số hài lòng về sự phục vụ hành chính "
                    "(SIPAS) do Bộ Nội vụ hướng dẫn đo lường định kỳ.</p>"),
                  ("image", dict(FLOW_IMAGE, caption="Đánh giá hài lòng là bước cuối của mỗi hồ sơ.")),
                  ("glossary", ("Thuật ngữ", [
                      ("SIPAS", "Chỉ số hài lòng về sự phục vụ hành chính."),
                      ("Kênh đánh giá", "Phiếu giấy, thiết bị đánh giá tại quầy, cổng dịch vụ công trực tuyến."),
                  ])),
              ]),
         ]),
    ],
}

# --- Course 3: IT use ----------------------------------------------------------------------------------------

IT_COURSE = {
    "slug": "chuyen-doi-so-tai-bo-phan-mot-cua",
    "title": "Chuyển đổi số tại quầy: VNeID, Cổng Dịch vụ công quốc gia, số hóa và bảo vệ dữ liệu cá nhân",
    "area": "it",
    "hours": 5,
    "validity": 12,
    "roles": ["TN", "HD", "TL", "IT"],
    "grants": [("CN03", 2), ("CN04", 2), ("CN05", 2), ("CN06", 2)],
    "summary": (
        "Hướng dẫn người dân dùng tài khoản VNeID trên Cổng Dịch vụ công quốc gia, số hóa hồ sơ và ký số đúng "
        "chuẩn, khai thác dữ liệu dùng chung và bảo vệ dữ liệu cá nhân theo Luật 91/2025/QH15."
    ),
    "description": (
        "<p>Từ 01/7/2024, tài khoản định danh điện tử VNeID là tài khoản dùng chung để thực hiện thủ tục hành "
        "chính trực tuyến. Khóa học giúp cán bộ một cửa hỗ trợ người dân nộp hồ sơ trực tuyến, số hóa và ký số "
        "hồ sơ tại quầy, và giữ an toàn dữ liệu cá nhân của người dân.</p>"
    ),
    "legal_basis": [
        "NĐ 118/2025/NĐ-CP (một cửa và Cổng Dịch vụ công quốc gia)",
        "NĐ 45/2020/NĐ-CP về thực hiện TTHC trên môi trường điện tử",
        "TT 01/2023/TT-VPCP về số hóa hồ sơ, kết quả giải quyết TTHC",
        "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (hiệu lực 01/01/2026)",
    ],
    "modules": [
        ("vneid-va-cong-dvc", "VNeID và Cổng Dịch vụ công quốc gia",
         "Hỗ trợ người dân nộp hồ sơ trực tuyến.",
         [
             ("tai-khoan-vneid", "Tài khoản VNeID: tài khoản dùng chung cho dịch vụ công",
              "Vì sao người dân cần VNeID và các lỗi đăng nhập thường gặp.", 10, [
                  p("<p>Từ ngày 01/7/2024, người dân dùng <b>tài khoản định danh điện tử VNeID</b> để đăng nhập Cổng "
                    "Dịch vụ công quốc gia và các cổng dịch vụ công của bộ, tỉnh. Nhiều thông tin trên tờ khai được "
                    "điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư.</p>"),
                  ("glossary", ("Thuật ngữ", [
                      ("VNeID", "Ứng dụng và tài khoản định danh điện tử của công dân."),
                      ("Số định danh cá nhân", "Mã số 12 chữ số in trên thẻ căn cước."),
                      ("Cổng DVCQG", "Cổng Dịch vụ công quốc gia, dichvucong.gov.vn."),
                  ])),
                  ("callout", ("warning", "Không giữ hộ mật khẩu, mã OTP",
                               "<p>Cán bộ không hỏi, không ghi lại mật khẩu hay mã OTP của người dân. Khi hỗ trợ, để "
                               "người dân tự nhập trên thiết bị của họ.</p>")),
              ]),
             ("nop-ho-so-truc-tuyen", "Hướng dẫn nộp hồ sơ trực tuyến",
              "Từng bước trên Cổng Dịch vụ công quốc gia.", 12, [
                  p("<p>Dịch vụ công trực tuyến có hai loại: <b>toàn trình</b> (mọi bước thực hiện trực tuyến) và "
                    "<b>một phần</b> (một số bước vẫn phải đến quầy, ví dụ nhận kết quả bản giấy).</p>"),
                  ("video", VNEID_VIDEO),
                  ("procedure", ("Nộp hồ sơ trên Cổng Dịch vụ công quốc gia", [
                      ("Đăng nhập bằng VNeID", "<p>Quét mã QR bằng ứng dụng hoặc nhập số định danh và mật khẩu.</p>", ""),
                      ("Chọn thủ tục và cơ quan", "<p>Tìm theo tên thủ tục, chọn đúng cơ quan giải quyết.</p>", ""),
                      ("Khai và kiểm tra thông tin", "<p>Kiểm tra thông tin điền sẵn, bổ sung phần còn thiếu.</p>", ""),
                      ("Đính kèm, thanh toán", "<p>Tải lên thành phần hồ sơ; thanh toán trực tuyến nếu có phí.</p>", ""),
                      ("Nộp và lưu mã hồ sơ", "<p>Ghi lại mã hồ sơ để tra cứu tiến độ.</p>", "Mẫu 01 (điện tử)"),
                  ])),
              ]),
             ("tra-cuu-va-tro-giup", "Tra cứu tiến độ và xử lý lỗi thường gặp",
              "Giúp người dân tự theo dõi hồ sơ của mình.", 8, [
                  p("<p>Với mã hồ sơ, người dân tra cứu tiến độ trên Cổng Dịch vụ công hoặc hỏi tại quầy. Hồ sơ nộp "
                    "trực tuyến được thông báo tiếp nhận qua phần mềm, thư điện tử hoặc tin nhắn.</p>"),
                  ("case", ("Không đăng nhập được",
                            "<p>Chị Thảo báo không đăng nhập được Cổng Dịch vụ công bằng VNeID, ứng dụng báo tài khoản "
                            "chưa kích hoạt mức 2.</p>",
                            "Anh/chị hướng dẫn chị Thảo thế nào?",
                            "<p>Giải thích rằng tài khoản cần được kích hoạt đúng mức theo hướng dẫn của cơ quan công an; "
                            "trong lúc chờ, chị có thể nộp hồ sơ trực tiếp tại quầy. Không dùng tài khoản của người "
                            "khác để nộp thay.</p>")),
                  ("checklist", ("Khi hỗ trợ người dân trên thiết bị của họ", [
                      "Người dân tự nhập mật khẩu, mã OTP",
                      "Đăng xuất nếu dùng máy tính công cộng của Trung tâm",
                      "Ghi lại mã hồ sơ cho người dân",
                  ])),
              ]),
         ]),
        ("so-hoa-va-ky-so", "Số hóa hồ sơ và chữ ký số",
         "Số hóa đúng chuẩn ngay khi tiếp nhận, ký số và tái sử dụng dữ liệu.",
         [
             ("so-hoa-khi-tiep-nhan", "Số hóa thành phần hồ sơ khi tiếp nhận",
              "Quét, đối chiếu và chịu trách nhiệm về bản điện tử.", 12, [
                  p("<p>Công chức một cửa số hóa thành phần hồ sơ ngay khi tiếp nhận, đối chiếu bản điện tử với bản giấy "
                    "và chịu trách nhiệm về tính chính xác của bản số hóa. Kết quả giải quyết cũng được số hóa để "
                    "lần sau người dân không phải nộp lại.</p>"),
                  ("image", dict(DIGITISE_IMAGE, caption="Năm bước số hóa một thành phần hồ sơ.")),
                  ("procedure", ("Số hóa một giấy tờ", [
                      ("Kiểm tra bản giấy", "<p>Đủ trang, rõ chữ, không tẩy xóa.</p>", ""),
                      ("Quét đúng chuẩn", "<p>Đủ độ phân giải, đúng chiều, mỗi giấy tờ một tệp.</p>", ""),
                      ("Đối chiếu", "<p>So bản quét với bản chính, đặt tên tệp theo thành phần hồ sơ.</p>", ""),
                      ("Ký số xác nhận", "<p>Ký số bằng chữ ký số của cán bộ theo quy trình.</p>", ""),
                      ("Lưu và gắn vào hồ sơ", "<p>Lưu vào kho dữ liệu điện tử gắn với mã hồ sơ.</p>", "Mẫu 06"),
                  ])),
              ]),
             ("chu-ky-so", "Chữ ký số: dùng an toàn",
              "Thiết bị ký số là con dấu của bạn trên môi trường điện tử.", 8, [
                  p("<p>Chữ ký số xác nhận ai đã ký và văn bản không bị sửa sau khi ký. Thiết bị ký số (USB token) hoặc "
                    "chữ ký số từ xa phải được giữ như con dấu: <b>không cho mượn, không để cắm sẵn</b> khi rời quầy.</p>"),
                  ("callout", ("warning", "Không cho mượn chữ ký số",
                               "<p>Mọi văn bản ký bằng chữ ký số của bạn được coi là do bạn ký. Cho đồng nghiệp mượn thiết "
                               "bị ký số là vi phạm quy định về an toàn thông tin.</p>")),
                  ("checklist", ("Ký số an toàn", [
                      "Kiểm tra đúng văn bản, đúng hồ sơ trước khi ký",
                      "Rút thiết bị ký số khi rời quầy",
                      "Báo ngay bộ phận CNTT khi mất thiết bị hoặc nghi lộ mã PIN",
                  ])),
              ]),
             ("khai-thac-du-lieu", "Khai thác dữ liệu dùng chung, không yêu cầu nộp lại",
              "Dùng dữ liệu đã có thay cho bản sao giấy.", 8, [
                  p("<p>Khi thông tin đã có trong cơ sở dữ liệu quốc gia hoặc trong kết quả giải quyết trước đó, cán bộ "
                    "<b>khai thác dữ liệu</b> thay vì yêu cầu người dân nộp bản sao. Yêu cầu nộp thêm giấy tờ ngoài quy "
                    "định là hành vi bị cấm.</p>"),
                  ("case", ("Bản sao thẻ căn cước",
                            "<p>Một cán bộ yêu cầu người dân photo thẻ căn cước để kèm hồ sơ, dù thông tin đã hiển thị "
                            "trên hệ thống khi tra cứu số định danh cá nhân.</p>",
                            "Cán bộ nên làm gì thay vào đó?",
                            "<p>Tra cứu và sử dụng dữ liệu dân cư đã có trên hệ thống, đối chiếu với thẻ người dân xuất "
                            "trình, không yêu cầu bản photo.</p>")),
                  ("glossary", ("Thuật ngữ", [
                      ("Dữ liệu dùng chung", "Dữ liệu nhà nước đã quản lý, được chia sẻ giữa các hệ thống."),
                      ("Kho dữ liệu điện tử", "Nơi lưu hồ sơ, kết quả đã số hóa của tổ chức, cá nhân."),
                  ])),
              ]),
         ]),
        ("bao-ve-du-lieu-ca-nhan", "Bảo vệ dữ liệu cá nhân tại quầy",
         "Áp dụng Luật Bảo vệ dữ liệu cá nhân trong công việc hằng ngày.",
         [
             ("luat-91-2025", "Luật Bảo vệ dữ liệu cá nhân 2025: những điểm cán bộ một cửa cần biết",
              "Dữ liệu cơ bản, dữ liệu nhạy cảm và quyền của người dân.", 10, [
                  p("<p><b>Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15</b> có hiệu lực từ 01/01/2026. Luật phân biệt "
                    "dữ liệu cá nhân cơ bản và dữ liệu cá nhân nhạy cảm, quy định sự đồng ý của chủ thể dữ liệu và các "
                    "quyền của họ đối với dữ liệu của mình.</p>"),
                  ("glossary", ("Thuật ngữ", [
                      ("Dữ liệu cá nhân cơ bản", "Ví dụ: họ tên, ngày sinh, số định danh, địa chỉ."),
                      ("Dữ liệu cá nhân nhạy cảm", "Ví dụ: sức khỏe, tài chính, tiền án; cần được bảo vệ chặt hơn."),
                      ("Chủ thể dữ liệu", "Người mà dữ liệu cá nhân phản ánh."),
                  ])),
                  ("callout", ("legal", "Căn cứ", "<p>Luật 91/2025/QH15; Nghị định 118/2025/NĐ-CP cấm tiết lộ thông tin hồ "
                                                 "sơ, thông tin cá nhân của người dân.</p>")),
              ]),
             ("thoi-quen-an-toan", "Thói quen an toàn mỗi ngày",
              "Khóa màn hình, cất hồ sơ, không chụp giấy tờ bằng điện thoại riêng.", 8, [
                  p("<p>Phần lớn sự cố lộ lọt dữ liệu tại quầy đến từ thói quen nhỏ: màn hình không khóa, hồ sơ để trên "
                    "bàn, ảnh giấy tờ gửi qua ứng dụng nhắn tin cá nhân.</p>"),
                  ("checklist", ("Trong giờ làm việc", [
                      "Khóa màn hình mỗi khi rời chỗ (Windows + L)",
                      "Không chụp giấy tờ của người dân bằng điện thoại cá nhân",
                      "Không gửi hồ sơ qua ứng dụng nhắn tin cá nhân",
                      "Không đọc to thông tin cá nhân khi có người khác xung quanh",
                  ])),
                  ("document", DATA_DOC),
              ]),
             ("xu-ly-su-co", "Khi nghi ngờ lộ lọt dữ liệu",
              "Báo ngay, không tự xử lý, ghi lại sự việc.", 8, [
                  p("<p>Khi nghi ngờ dữ liệu bị lộ (gửi nhầm tệp, mất thiết bị, máy tính có dấu hiệu bị xâm nhập), việc "
                    "quan trọng nhất là <b>báo ngay</b> cho lãnh đạo và bộ phận công nghệ thông tin để xử lý kịp thời.</p>"),
                  ("procedure", ("Xử lý ban đầu", [
                      ("Dừng lại", "<p>Ngừng thao tác đang làm, không xóa dấu vết.</p>", ""),
                      ("Báo ngay", "<p>Báo lãnh đạo Trung tâm và bộ phận CNTT.</p>", ""),
                      ("Ghi lại", "<p>Thời điểm, hồ sơ liên quan, việc đã xảy ra.</p>", ""),
                      ("Phối hợp", "<p>Làm theo hướng dẫn xử lý sự cố; thông báo người dân khi được yêu cầu.</p>", ""),
                  ])),
                  ("case", ("Gửi nhầm tệp hồ sơ",
                            "<p>Anh Khoa gửi nhầm tệp quét hồ sơ của người dân vào nhóm nhắn tin của tổ dân phố.</p>",
                            "Anh Khoa cần làm gì?",
                            "<p>Thu hồi tin nhắn ngay nếu có thể, báo lãnh đạo Trung tâm và bộ phận CNTT, ghi lại sự việc; "
                            "không tự liên hệ người dân để \"giải thích\" khi chưa có chỉ đạo. Sau đó rút kinh nghiệm: "
                            "không dùng ứng dụng nhắn tin cá nhân cho hồ sơ.</p>")),
              ]),
         ]),
    ],
}

COURSES = [PROCEDURE_COURSE, COMMUNICATION_COURSE, IT_COURSE]
