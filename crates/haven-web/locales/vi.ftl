### Haven's patient handouts in Vietnamese (Tiếng Việt).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date. Text in Unicode NFC (precomposed letters).

-review-status = draft
-script = Latn

## Every handout

handout-name = Họ tên: { $name }
handout-draft-mark = Bản dịch nháp — hãy kiểm tra lại với thông dịch viên
handout-no-translation = Chưa có bản dịch sang { $language }. Hãy nhờ thông dịch viên đọc tài liệu này cùng bệnh nhân.

## Dates

date-long = { $weekday }, ngày { $day } { $month } năm { $year }
weekday-1 = Thứ Hai
weekday-2 = Thứ Ba
weekday-3 = Thứ Tư
weekday-4 = Thứ Năm
weekday-5 = Thứ Sáu
weekday-6 = Thứ Bảy
weekday-7 = Chủ Nhật
month-1 = tháng 1
month-2 = tháng 2
month-3 = tháng 3
month-4 = tháng 4
month-5 = tháng 5
month-6 = tháng 6
month-7 = tháng 7
month-8 = tháng 8
month-9 = tháng 9
month-10 = tháng 10
month-11 = tháng 11
month-12 = tháng 12

## Wellbeing advice (§3)

wellbeing-title = Chăm sóc sức khỏe tinh thần của bạn
wellbeing-intro = Nhiều người đã phải rời bỏ nhà cửa cảm thấy mệt mỏi, lo lắng hoặc buồn bã. Đây là những phản ứng thường gặp sau những trải nghiệm khó khăn. Những bước nhỏ mỗi ngày có thể giúp ích cho bạn.
wellbeing-sleep-heading = Giấc ngủ
wellbeing-sleep = Cố gắng đi ngủ và thức dậy vào khoảng cùng một giờ mỗi ngày. Buổi tối hãy uống ít trà, cà phê và bớt dùng điện thoại, tivi. Nếu không ngủ được, hãy dậy một lúc, làm việc gì đó nhẹ nhàng, rồi thử ngủ lại.
wellbeing-eating-heading = Ăn uống đầy đủ
wellbeing-eating = Cố gắng ăn các bữa đều đặn, ăn rau và trái cây khi có thể, và uống nhiều nước. Ăn cùng với người khác cũng giúp ích.
wellbeing-outdoors-heading = Ra ngoài trời và vận động
wellbeing-outdoors = Mỗi ngày hãy dành thời gian ở ngoài trời khi trời còn sáng. Đi bộ, chơi thể thao hoặc bất kỳ hoạt động nào bạn thích đều tốt cho cơ thể và tâm trạng của bạn.
wellbeing-social-heading = Gặp gỡ mọi người
wellbeing-social = Giữ liên lạc với những người bạn tin tưởng: bạn bè, gia đình, hoặc một nhóm cộng đồng hay tôn giáo. Một tổ chức hỗ trợ người tị nạn ở địa phương có thể giúp bạn làm quen với mọi người. Hãy hỏi chúng tôi nếu bạn cần giúp tìm một tổ chức như vậy.
wellbeing-closing = Những bước này có thể cần thời gian mới có hiệu quả. Hãy cho chúng tôi biết bạn cảm thấy thế nào. Bạn có thể nói chuyện lại với bác sĩ hoặc y tá của mình bất cứ lúc nào.

## "I need an interpreter" card (§2)

card-title = Tôi cần thông dịch viên
card-language = Ngôn ngữ của tôi: { $language }
card-dialect = Phương ngữ của tôi: { $dialect }
card-gender-female = Nếu có thể, tôi muốn có thông dịch viên nữ.
card-gender-male = Nếu có thể, tôi muốn có thông dịch viên nam.
card-request = Xin vui lòng đặt một thông dịch viên chuyên nghiệp cho tôi khi tôi gặp bác sĩ, y tá hoặc nhân viên y tế khác. Hỗ trợ ngôn ngữ trong dịch vụ NHS là quyền của tôi.

## Next-appointment letter (§1, §2)

appointment-title = Cuộc hẹn tiếp theo của bạn
appointment-when = Bạn có hẹn tại phòng khám vào { $date }.
appointment-interpreter-booked = Chúng tôi đã đặt thông dịch viên { $language } cho bạn.
appointment-interpreter-ask = Nếu bạn cần thông dịch viên, hãy báo cho chúng tôi trước ngày hẹn và chúng tôi sẽ đặt cho bạn.
appointment-cannot-come = Nếu bạn không thể đến, xin hãy báo cho chúng tôi càng sớm càng tốt để chúng tôi hẹn lại cho bạn. Lỡ một cuộc hẹn không có nghĩa là bạn mất chỗ tại phòng khám.
appointment-private = Phòng khám không thuộc hệ thống di trú. Những gì bạn nói với chúng tôi được giữ trong hồ sơ sức khỏe của bạn.

## Safety plan (§6)

plan-title = Kế hoạch an toàn
plan-warning-signs = Dấu hiệu cảnh báo một cơn khủng hoảng có thể bắt đầu
plan-coping-strategies = Những việc tôi có thể làm để tự giúp mình
plan-people-and-places = Những người và nơi giúp được tôi
plan-professionals-and-crisis = Chuyên viên và số liên lạc khi khủng hoảng
plan-safer-surroundings = Làm cho nơi ở của tôi an toàn hơn
plan-reasons-for-living = Những lý do để tôi sống
plan-crisis-heading = Nếu bạn đang gặp khủng hoảng lúc này
plan-crisis-text =
    Nếu bạn đang nghĩ đến việc kết thúc cuộc sống hoặc tự làm hại bản thân, xin hãy nói với ai đó ngay bây giờ. Bạn không phải một mình đối mặt với điều này.
    Samaritans: gọi 116 123, miễn phí, bất kỳ lúc nào, ngày hay đêm.
    NHS 111: gọi 111 và chọn số 2 để được giúp đỡ khẩn cấp về sức khỏe tâm thần.
    Trong trường hợp cấp cứu, hoặc nếu bạn đang gặp nguy hiểm, hãy gọi 999 hoặc đến khoa cấp cứu (A&E).
    Bạn cũng có thể liên hệ phòng khám này và xin nói chuyện với bác sĩ hoặc y tá ngay trong hôm nay.
