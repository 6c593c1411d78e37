"""The demo's desks, articles and comments.

Everything here was written for the demo: the places, people and events are
fictional. Each article is in its desk's language, and so are its comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SITE_NAME = "Tribune Demo"
DEFAULT_ORIGIN = "http://127.0.0.1:8000"
MODERATOR_NAME = "demo"
ARTICLE_PATH = "/demo/articles/"

# Decisions a seeded comment receives right after it is submitted.
APPROVE = "approve"
EDIT = "edit"
REJECT = "reject"
PENDING = "pending"

# How an article page shows its comments, as a publisher's page would: the
# one-script-tag widget (embed.js), or the no-JS thread page in an <iframe>.
WIDGET = "widget"
IFRAME = "iframe"


@dataclass(frozen=True)
class DemoDesk:
    code: str
    name: str
    language: str
    direction: str


@dataclass(frozen=True)
class DemoComment:
    key: str
    author: str
    body: str
    reply_to: str | None = None
    decision: str = APPROVE
    clause: int | None = None
    edited_body: str = ""
    note: str = ""


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    desk: str
    title: str
    paragraphs: tuple[str, ...]
    comments: tuple[DemoComment, ...] = field(default=())
    embed: str = WIDGET

    @property
    def path(self) -> str:
        return f"{ARTICLE_PATH}{self.slug}"


DESKS: tuple[DemoDesk, ...] = (
    DemoDesk("en", "English", "en", "ltr"),
    DemoDesk("ko", "Korean", "ko", "ltr"),
    DemoDesk("ug", "Uyghur", "ug", "rtl"),
    DemoDesk("bo", "Tibetan", "bo", "ltr"),
    DemoDesk("zh-hans", "Mandarin (Simplified)", "zh-hans", "ltr"),
)
DESKS_BY_CODE = {desk.code: desk for desk in DESKS}

ARTICLES: tuple[DemoArticle, ...] = (
    DemoArticle(
        slug="riverside-library-reopens",
        desk="en",
        title="Riverside library reopens eight months after the flood",
        paragraphs=(
            "HALDEN — The public library on Mill Street reopened on Saturday, eight "
            "months after floodwater filled its ground floor to a depth of more than "
            "a metre.",
            "About 14,000 books were lost. Volunteers dried and catalogued another "
            "3,000, and gifts from neighbouring towns have refilled most of the "
            "shelves. The children's section has moved upstairs, and the wiring now "
            "runs above the highest level the water reached.",
            "The repairs cost 1.2 million, shared between the town council and the "
            "regional flood fund. Head librarian Marta Okafor said the first day "
            "brought more visitors than any day in five years. “People did not only "
            "come for books,” she said. “They came to see that the place was still "
            "theirs.”",
            "The council says it will publish a flood-protection plan for the rest of "
            "Mill Street before the end of the year.",
        ),
        comments=(
            DemoComment(
                "chairs", "Rosa",
                "Took my kids on Saturday. The new children's room upstairs is lovely, "
                "and they kept the old reading chairs.",
            ),
            DemoComment(
                "archive", "Tom H.",
                "Good to hear the chairs survived!\nDoes anyone know whether the local "
                "history archive made it?",
                reply_to="chairs",
            ),
            DemoComment(
                "volunteers", "Neighbour",
                "The volunteers were amazing. If anyone wants to help with the next "
                "clean-up, call Peter on 0301 555 0147, he lives at 12 Mill Street.",
                decision=EDIT, clause=4,
                edited_body="The volunteers were amazing. If anyone wants to help with "
                "the next clean-up, ask at the library's front desk.",
                note="Removed a neighbour's phone number and home address.",
            ),
            DemoComment(
                "cost", "J. Lindqvist",
                "1.2 million for a building that may flood again? The protection plan "
                "should have come first, then the repairs.",
            ),
            DemoComment(
                "pumps", "Best Deals 24",
                "CHEAP FLOOD PUMPS!!! 50% off this week only, visit our shop now!!!",
                decision=REJECT, clause=5, note="Advertising.",
            ),
            DemoComment(
                "sunday", "Ahmed",
                "Will the library keep its Sunday opening hours? The article does not "
                "say.",
                decision=PENDING,
            ),
            DemoComment(
                "reply-cost", "Marit",
                "The repairs and the plan are paid from different budgets, so one did "
                "not delay the other.",
                reply_to="cost", decision=PENDING,
            ),
        ),
    ),
    DemoArticle(
        slug="night-buses-hospital",
        embed=IFRAME,
        desk="en",
        title="Night buses to run to the hospital district from next month",
        paragraphs=(
            "HALDEN — Two night bus lines will stop at the regional hospital from the "
            "first of next month, the transport authority announced on Tuesday.",
            "Nurses and cleaning staff on late shifts have asked for the change for "
            "years; until now, the last bus left the hospital at 11.40 pm. The new "
            "lines will run every 30 minutes until 4 am.",
            "The authority expects about 400 passengers a night and will review the "
            "timetable after six months.",
        ),
        comments=(
            DemoComment(
                "shift", "Night nurse",
                "Finally. I have been paying for a taxi twice a week for three years.",
            ),
            DemoComment(
                "weekend", "Pieter",
                "Every 30 minutes is fine on weekdays, but weekends will need more.",
            ),
            DemoComment(
                "route", "Lena K.",
                "Does the new line also stop at the station? The map is not online yet.",
                decision=PENDING,
            ),
        ),
    ),
    DemoArticle(
        slug="coastal-village-seawall",
        embed=IFRAME,
        desk="ko",
        title="동백리 방파제 보강 공사 마무리… 주민들 “태풍철 한시름 덜어”",
        paragraphs=(
            "남해안의 작은 어촌 마을 동백리에서 2년 가까이 이어진 방파제 보강 공사가 지난주 "
            "마무리됐다. 새 방파제는 기존보다 1.5미터 높아졌고 길이도 120미터 늘어났다.",
            "주민 약 300명 가운데 상당수는 어업에 종사한다. 주민들은 재작년 태풍 때 파도가 "
            "방파제를 넘어 선착장과 창고가 물에 잠겼던 일을 아직 기억한다. 어촌계장 김영순 "
            "씨는 “올해 태풍철은 조금 덜 걱정하며 맞을 수 있겠다”고 말했다.",
            "군청은 공사비 48억 원 가운데 절반을 국비로 충당했다고 밝혔다. 다만 일부 주민은 "
            "높아진 방파제가 바다 풍경을 가린다며 아쉬움을 나타냈고, 군청은 전망 데크를 "
            "설치하는 방안을 검토하고 있다고 덧붙였다.",
        ),
        comments=(
            DemoComment(
                "hometown", "바다사랑",
                "고향 마을 소식이라 반갑네요. 재작년 태풍 때 부모님 창고가 잠겼었는데 이제 "
                "조금 안심이 됩니다.",
            ),
            DemoComment(
                "deck", "이정민",
                "저도 그 마을 출신이에요. 전망 데크가 생기면 꼭 가 보고 싶습니다.",
                reply_to="hometown",
            ),
            DemoComment(
                "upkeep", "시민K",
                "48억 원이면 적지 않은 돈인데, 앞으로의 유지 보수 계획도 함께 공개됐으면 "
                "좋겠습니다.",
            ),
            DemoComment(
                "boats", "어민",
                "공사 기간 동안 어선 출입은 어떻게 했는지 궁금합니다.",
                decision=PENDING,
            ),
        ),
    ),
    DemoArticle(
        slug="early-apricot-harvest",
        embed=IFRAME,
        desk="ug",
        title="ئىللىق باھار سەۋەبىدىن ئۆرۈك ھوسۇلى بالدۇر باشلاندى",
        paragraphs=(
            "بۇ يىل باھار ئادەتتىكىدىن ئىللىق بولغاچقا، ئۆرۈك ھوسۇلى ئۆتكەن يىلدىكىدىن "
            "ئىككى ھەپتە بالدۇر باشلاندى. باغۋەنلەر بۇ يىلقى ئۆرۈكنىڭ سۈپىتى ياخشى "
            "ئىكەنلىكىنى ئېيتتى.",
            "بىر باغۋەن مۇنداق دېدى: «ئۆرۈك بالدۇر پىشتى، شۇڭا بازارغا بالدۇر "
            "چىقالايمىز. ئەمما ھاۋا بەك ئىسسىپ كەتسە، سۇ يېتىشمەسلىكى مۇمكىن.»",
            "يېزا ئىگىلىك مۇتەخەسسىسلىرى باغۋەنلەرگە ئۆرۈكنى سالقىن جايدا ساقلاشنى ۋە "
            "تامچە سۇغىرىش ئۇسۇلىنى قوللىنىشنى تەۋسىيە قىلدى.",
        ),
        comments=(
            DemoComment(
                "garden", "باغۋەن",
                "بىزنىڭ باغدىمۇ ئۆرۈك بالدۇر پىشتى. خەۋەر ئۈچۈن رەھمەت.",
            ),
            DemoComment(
                "sweet", "ئايگۈل",
                "بىزنىڭ يېزىدىمۇ شۇنداق. بۇ يىلقى ئۆرۈك ناھايىتى تاتلىق.",
                reply_to="garden",
            ),
            DemoComment(
                "water", "ئوقۇرمەن",
                "سۇ مەسىلىسى ھەققىدە تېخىمۇ تەپسىلىي يازساڭلار بولاتتى.",
            ),
            DemoComment(
                "price", "مەمەت",
                "قۇرۇتۇلغان ئۆرۈكنىڭ باھاسى بۇ يىل قانداق بولىدۇ؟",
                decision=PENDING,
            ),
        ),
    ),
    DemoArticle(
        slug="solar-water-pumps",
        desk="bo",
        title="འབྲོག་པ་ཚོར་ཉི་མའི་ནུས་ཤུགས་ཀྱི་ཆུ་འཐེན་འཕྲུལ་ཆས་གསར་པ་ཐོབ།",
        paragraphs=(
            "ལོ་འདིའི་དཔྱིད་ཀ་ནས་བཟུང་། འབྲོག་སྡེ་བཅུ་གཉིས་སུ་ཉི་མའི་ནུས་ཤུགས་ཀྱི་ཆུ་འཐེན་"
            "འཕྲུལ་ཆས་གསར་པ་བཙུགས་ཡོད། སྔོན་ཆད་འབྲོག་པ་ཚོས་ཆུ་ལེན་པར་ཆུ་བོའི་འགྲམ་དུ་ཆུ་ཚོད་"
            "གཅིག་ལྷག་འགྲོ་དགོས་ཀྱི་ཡོད།",
            "འབྲོག་པ་ཞིག་གིས། “ད་ནི་ཆུ་ང་ཚོའི་སྦྲ་ནག་གི་འགྲམ་དུ་ཡོད། དུས་ཚོད་མང་པོ་སྲུང་ཐུབ་"
            "བྱུང་།” ཞེས་བཤད།",
            "ལས་གཞི་འདིའི་འགན་འཛིན་པས། དགུན་ཁའི་གྲང་ངར་ནང་འཕྲུལ་ཆས་རྣམས་ཇི་ལྟར་ལས་ཀ་བྱེད་"
            "མིན་ལ་བལྟ་རྟོག་བྱེད་རྒྱུ་ཡིན་ཞེས་བཤད།",
        ),
        comments=(
            DemoComment(
                "good-news", "བཀྲ་ཤིས",
                "འདི་ནི་གནས་ཚུལ་བཟང་པོ་ཞིག་རེད། ཐུགས་རྗེ་ཆེ།",
            ),
            DemoComment(
                "our-place", "སྒྲོལ་མ",
                "ང་ཚོའི་ཡུལ་དུའང་འདི་འདྲ་ཞིག་དགོས།",
                reply_to="good-news",
            ),
            DemoComment(
                "winter", "ཀློག་པ་པོ",
                "དགུན་ཁར་ཆུ་འཁྱགས་ན་འཕྲུལ་ཆས་ལས་ཀ་བྱེད་ཐུབ་བམ།",
            ),
            DemoComment(
                "elsewhere", "ཚེ་རིང",
                "ལས་གཞི་འདི་ས་ཁུལ་གཞན་དུའང་ཡོང་གི་ཡོད་དམ།",
                decision=PENDING,
            ),
        ),
    ),
    DemoArticle(
        slug="mountain-school-music",
        desk="zh-hans",
        title="山区小学开设远程音乐课 孩子们第一次学认五线谱",
        paragraphs=(
            "位于山区的青石镇中心小学本学期开始通过网络上音乐课。每周两次，省城一所师范大学"
            "的学生在线授课，教孩子们唱歌、认五线谱。",
            "学校共有一百二十多名学生，过去一直没有专职音乐老师。校长王丽华说，学校去年接通了"
            "稳定的宽带网络，远程上课才成为可能。",
            "第一期课程为期一个学期。师范大学方面表示，如果效果良好，明年将把项目扩大到附近"
            "另外三所学校。也有家长希望今后能增加美术课。",
        ),
        comments=(
            DemoComment(
                "childhood", "山里人",
                "我小时候就在这样的学校读书，要是当年有音乐课就好了。",
            ),
            DemoComment(
                "teacher", "李老师",
                "我也参加过类似的远程教学，孩子们的热情真的很打动人。",
                reply_to="childhood",
            ),
            DemoComment(
                "local", "张伟",
                "网络课程是好事，但长远来看，还是需要本地的专职老师。",
            ),
            DemoComment(
                "apply", "读者小陈",
                "请问其他学校怎样申请加入这个项目？",
                decision=PENDING,
            ),
        ),
    ),
)
ARTICLES_BY_SLUG = {article.slug: article for article in ARTICLES}
