"""Desks without an insult model still get every signal that needs none -
links, shouting, repetition, personal information, velocity, campaigns - in
each of their scripts: Han, Tibetan, Arabic (Uyghur), Myanmar, Khmer, Lao.
Each comment goes through the real submission and triage, as a reader's would.
"""

from __future__ import annotations

import secrets

import pytest

from tribune.core.testing import make_comment, make_site
from tribune.triage.models import CommentTriage
from tribune.triage.scoring import COMMENTER_BURST

# desk, script, an ordinary comment, a phone number in the script's own digits
# (or as the desk's readers write it), and the comment with a short run repeated.
DESKS = [
    ("zh", "Han", "今天的公交车又晚点了，希望市政府能增加早上的班次，谢谢你们的报道。",
     "有问题请打我电话 13812345678", "加油加油加油加油"),
    ("bo", "Tibetan", "དེ་རིང་གནམ་གཤིས་ཡག་པོ་འདུག ཕྲུ་གུ་ཚོ་སློབ་གྲྭར་འགྲོ་བཞིན་འདུག གསར་འགྱུར་འདིར་ཐུགས་རྗེ་ཆེ།",
     "ཁ་པར་ ༠༡༣༨༡༢༣༤༥༦༧༨ ལ་གཏོང་རོགས།", "ཡག་པོ་ཡག་པོ་ཡག་པོ་ཡག་པོ་"),
    ("ug", "Arabic", "بۈگۈن ھاۋا ناھايىتى ياخشى، بالىلار مەكتەپكە باردى. بۇ خەۋەر ئۈچۈن رەھمەت.",
     "تېلېفون نومۇرۇم ٠٥٥٥١٢٣٤٥٦٧", "ياخشىياخشىياخشىياخشى"),
    ("my", "Myanmar", "ဒီနေ့ ရာသီဥတု အရမ်းကောင်းတယ်။ ကလေးတွေ ကျောင်းသွားကြတယ်။ သတင်းအတွက် ကျေးဇူးတင်ပါတယ်။",
     "ဖုန်း ၀၉၄၅၁၂၃၄၅၆၇ ကို ဆက်ပါ", "ကောင်းကောင်းကောင်းကောင်း"),
    ("km", "Khmer", "ថ្ងៃនេះ អាកាសធាតុល្អណាស់ ក្មេងៗទៅសាលារៀន។ អរគុណសម្រាប់ព័ត៌មាននេះ។",
     "ទូរស័ព្ទ ០១២៣៤៥៦៧៨ សូមទាក់ទង", "ល្អណាស់ល្អណាស់ល្អណាស់ល្អណាស់"),
    ("lo", "Lao", "ມື້ນີ້ ອາກາດດີຫຼາຍ ເດັກນ້ອຍໄປໂຮງຮຽນ. ຂອບໃຈສຳລັບຂ່າວນີ້.",
     "ໂທຫາຂ້ອຍ ໐໒໐໕໕໕໑໒໓໔", "ດີຫຼາຍດີຫຼາຍດີຫຼາຍດີຫຼາຍ"),
]


def codes(comment) -> list[str]:
    return [label["code"] for label in CommentTriage.objects.get(pk=comment.pk).labels]


@pytest.fixture(params=DESKS, ids=[desk[1] for desk in DESKS])
def desk(request, db):
    code, script, ordinary, phone, repeated = request.param
    origin = f"https://{code}.example.org"
    make_site(origin=origin, desk_code=code, name=script)

    def submit(body: str, *, token: str | None = None, index: int = 0):
        return make_comment(url=f"{origin}/2026/12/story-{index % 2}", body=body, token=token)

    return {"script": script, "ordinary": ordinary, "phone": phone, "repeated": repeated,
            "submit": submit}


def test_an_ordinary_comment_gets_no_label_and_the_script_is_known(desk):
    comment = desk["submit"](desk["ordinary"])
    triage = CommentTriage.objects.get(pk=comment.pk)
    assert triage.labels == []
    assert triage.script == desk["script"]
    assert triage.toxicity is None  # no model for this desk: nothing is guessed
    assert not triage.language_mismatch


def test_links_shouting_repetition_and_personal_information(desk):
    linked = desk["submit"](f"{desk['ordinary']} https://shop.example.com/offer www.example.net")
    triage = CommentTriage.objects.get(pk=linked.pk)
    assert {"code": "links", "n": 2, "domains": ["shop.example.com", "example.net"]} in (
        triage.labels)
    shouted = desk["submit"](desk["ordinary"] + "！！！")
    assert "shouting" in codes(shouted)
    assert "repetition" in codes(desk["submit"](desk["repeated"]))
    assert "repetition" not in codes(desk["submit"](desk["ordinary"]))
    phone = CommentTriage.objects.get(pk=desk["submit"](desk["phone"]).pk)
    assert {"code": "personal_information", "kinds": ["phone"]} in phone.labels


def test_velocity_of_one_commenter(desk):
    token = secrets.token_urlsafe(16)
    comments = [desk["submit"](f"{desk['ordinary']} {index}", token=token, index=index)
                for index in range(COMMENTER_BURST)]
    assert "commenter_burst" not in codes(comments[-2])
    assert "commenter_burst" in codes(comments[-1])


def test_a_campaign_of_near_identical_comments_is_one_cluster(desk):
    base = desk["ordinary"]
    variants = [base, base + " 🙏", "‼ " + base, base.replace(" ", "  ", 1) + "!"]
    comments = [desk["submit"](text, index=index) for index, text in enumerate(variants)]
    clusters = {CommentTriage.objects.get(pk=c.pk).cluster_id for c in comments}
    assert len(clusters) == 1 and None not in clusters
    other = desk["submit"](desk["phone"])
    assert CommentTriage.objects.get(pk=other.pk).cluster_id is None
    last = CommentTriage.objects.get(pk=comments[-1].pk)
    assert last.priority >= 50 + len(variants)
