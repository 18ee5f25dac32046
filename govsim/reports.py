"""Generated annual reports shaped like the real ones in shared/corpus, with their ground truth.

A report is 7,000–15,000 characters: an opening paragraph, then the parts that 《法治政府建设与责任落实督察
工作规定》 Art. 25 asks for as headed sections (一、… （一）… 1. …): (1) measures and results, (2) shortcomings
and causes, (3) how the principal leaders performed their duty as first persons responsible, (4) next year's
arrangements, (5) other matters. Some reports leave a part out on purpose (old 依法行政 reports, written before
the rule, never have parts 3 and 5), and the headings vary the way real ones do.

Key figures (行政复议 cases, 纠错率, 出庭应诉率 …) are written into sentences in the varied ways real reports
phrase them (Arabic and Chinese numerals, 同比 changes, the number before or after its noun). Every figure
sentence is recorded with its name, value and unit: that is the ground truth in the manifest. Filler text
carries other numbers (training sessions, hotline tickets …) that are deliberately *not* key figures.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

_CN_NUM = "一二三四五六七八九十"
_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..9999 in Chinese numerals as reports write them (一百二十六, 三十五, 一千零二十)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += _CN_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


@dataclass
class Truth:
    """What a perfect reader finds in one report: the parts present and every key figure."""

    parts: list[int] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)


@dataclass
class _Writer:
    rng: random.Random
    year: int
    org: str
    place: str  # 全市 / 全区 / 全县
    truth: Truth = field(default_factory=Truth)
    pending: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.nums = _Nums(self.rng, self.year)

    def fig(self, name: str, value: float, unit: str, yoy: float | None = None, yoy_unit: str | None = None):
        self.pending.append({"name": name, "value": value, "unit": unit, "yoy": yoy, "yoy_unit": yoy_unit})

    def sentence(self, text: str) -> str:
        """Attach the figures noted since the last call to this sentence (canonical, NFKC form)."""
        text = unicodedata.normalize("NFKC", text)
        for f in self.pending:
            f["sentence"] = text
            self.truth.figures.append(f)
        self.pending = []
        return text


def _pct(rng: random.Random, lo: int, hi: int) -> float:
    return round(rng.randint(lo * 10, hi * 10) / 10, 1)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


# --- key-figure sentences: each writer notes its figures and returns one sentence ------------------------


def _review(w: _Writer) -> str:
    r = w.rng
    received = r.randint(30, 900)
    decided = received - r.randint(0, min(40, received // 4))
    rate = _pct(r, 3, 35)
    style = r.randrange(5)
    if style == 0:
        w.fig("行政复议案件数", received, "件")
        w.fig("行政复议审结数", decided, "件")
        w.fig("行政复议纠错率", rate, "%")
        return w.sentence(f"全年共收到行政复议申请{received}件,依法审结{decided}件,纠错率{_fmt(rate)}%。")
    if style == 1:
        g = _pct(r, 2, 40)
        w.fig("行政复议案件数", received, "件", g, "%")
        w.fig("行政复议审结数", decided, "件")
        w.fig("行政复议纠错率", rate, "%")
        return w.sentence(
            f"{w.year}年,{w.place}各级行政复议机关共办理行政复议案件{received}件,同比增长{_fmt(g)}%,"
            f"其中已审结{decided}件,综合纠错率为{_fmt(rate)}%。"
        )
    if style == 2:
        small = r.randint(11, 199)
        done = small - r.randint(0, 6)
        w.fig("行政复议案件数", small, "件")
        w.fig("行政复议审结数", done, "件")
        return w.sentence(f"全年受理行政复议案件{cn_number(small)}件,办结{cn_number(done)}件,无超期案件。")
    if style == 3:
        pp = _pct(r, 1, 9)
        w.fig("行政复议纠错率", rate, "%", pp, "pp")
        w.fig("行政复议案件数", received, "件")
        return w.sentence(
            f"全面推进行政复议案件开庭审理,行政复议纠错率达到{_fmt(rate)}%,较上年提高{_fmt(pp)}个百分点,"
            f"全年新收行政复议案件{received}宗。"
        )
    w.fig("行政复议案件数", received, "件")
    w.fig("行政复议纠错率", rate, "%")
    return w.sentence(
        f"发挥行政复议化解行政争议主渠道作用,{w.place}行政复议机关收案{received}件,"
        f"通过撤销、变更、确认违法等方式纠正违法或不当行政行为,直接纠错率为{_fmt(rate)}%。"
    )


def _litigation(w: _Writer) -> str:
    r = w.rng
    cases = r.randint(20, 1200)
    lose = _pct(r, 1, 15)
    style = r.randrange(3)
    if style == 0:
        w.fig("行政诉讼案件数", cases, "件")
        w.fig("行政诉讼败诉率", lose, "%")
        return w.sentence(f"全年发生以{w.org}及其部门为被告的行政诉讼案件{cases}件,败诉率为{_fmt(lose)}%。")
    if style == 1:
        pp = _pct(r, 1, 6)
        w.fig("行政诉讼案件数", cases, "件")
        w.fig("行政诉讼败诉率", lose, "%", -pp, "pp")
        return w.sentence(
            f"{w.place}行政机关共办理行政应诉案件{cases}件,行政诉讼败诉率{_fmt(lose)}%,同比下降{_fmt(pp)}个百分点。"
        )
    w.fig("行政诉讼案件数", cases, "件")
    return w.sentence(
        f"支持人民法院依法受理和审理行政案件,全年新收一审行政诉讼案件{cases}件,均依法应诉答辩。"
    )


def _appearance(w: _Writer) -> str:
    r = w.rng
    rate = 100.0 if r.random() < 0.5 else _pct(r, 80, 99)
    style = r.randrange(3)
    if style == 0:
        w.fig("负责人出庭应诉率", rate, "%")
        return w.sentence(f"严格落实行政机关负责人出庭应诉制度,行政机关负责人出庭应诉率达{_fmt(rate)}%。")
    if style == 1:
        n = r.randint(8, 300)
        w.fig("负责人出庭应诉案件数", n, "件")
        w.fig("负责人出庭应诉率", rate, "%")
        return w.sentence(f"行政机关负责人出庭应诉{n}件次,出庭应诉率达到{_fmt(rate)}%,实现“告官要见官”。")
    n = r.randint(3, 60)
    w.fig("负责人出庭应诉案件数", n, "件")
    return w.sentence(f"对涉及重大公共利益的案件,行政机关负责人出庭应诉案件{cn_number(n)}件,出庭并发言。")


def _normative(w: _Writer) -> list[str]:
    r = w.rng
    out = []
    reviewed = r.randint(8, 160)
    style = r.randrange(3)
    if style == 0:
        w.fig("规范性文件审查数", reviewed, "件")
        out.append(
            w.sentence(
                f"严格规范性文件合法性审核,全年审查规范性文件{reviewed}件,提出修改意见{r.randint(20, 300)}条。"
            )
        )
    elif style == 1:
        w.fig("规范性文件审查数", reviewed, "件")
        out.append(
            w.sentence(
                f"司法行政部门对{reviewed}件行政规范性文件进行了合法性审核,未经审核的一律不得提交审议。"
            )
        )
    else:
        w.fig("规范性文件审查数", reviewed, "件")
        out.append(w.sentence(f"全年合法性审核规范性文件{cn_number(reviewed)}件,做到应审必审。"))
    filed = r.randint(3, 80)
    if r.random() < 0.8:
        w.fig("规范性文件备案数", filed, "件")
        out.append(
            w.sentence(
                f"按规定向上级政府和同级人大常委会报送备案规范性文件{filed}件,报备率、及时率、规范率均达100%。"
            )
        )
    if r.random() < 0.6:
        made = r.randint(3, 70)
        w.fig("规范性文件制定数", made, "件")
        out.append(w.sentence(f"全年制定出台行政规范性文件{made}件,均按程序公开征求意见并进行政策解读。"))
    if r.random() < 0.5:
        cleaned, dropped = r.randint(50, 400), r.randint(2, 30)
        w.fig("规范性文件清理数", cleaned, "件")
        out.append(
            w.sentence(
                f"开展规范性文件专项清理,共清理规范性文件{cleaned}件,废止{dropped}件,修改{r.randint(1, 20)}件。"
            )
        )
    return out


def _decisions(w: _Writer) -> list[str]:
    r = w.rng
    out = []
    n = r.randint(2, 30)
    style = r.randrange(3)
    w.fig("重大行政决策数", n, "项")
    if style == 0:
        out.append(
            w.sentence(
                f"全年作出重大行政决策{n}项,均履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。"
            )
        )
    elif style == 1:
        out.append(w.sentence(f"{w.year}年度重大行政决策事项目录共{cn_number(n)}项,已全部向社会公布。"))
    else:
        out.append(w.sentence(f"将{n}项重大行政决策事项纳入目录管理,决策前均进行社会稳定风险评估。"))
    if r.random() < 0.7:
        m = r.randint(60, 900)
        w.fig("合法性审查数", m, "件")
        out.append(
            w.sentence(f"政府法律顾问全年参与审查重大决策、行政合同和重要文件{m}件,有效防范法律风险。")
        )
    return out


def _counsel(w: _Writer) -> str:
    r = w.rng
    units, n = r.randint(20, 300), r.randint(30, 500)
    if r.random() < 0.5:
        w.fig("法律顾问人数", n, "人")
        return w.sentence(f"{w.place}{units}个单位聘请法律顾问{n}名,实现党政机关法律顾问全覆盖。")
    w.fig("法律顾问人数", n, "人")
    return w.sentence(
        f"选聘律师和法学专家担任政府法律顾问,共聘请法律顾问{n}人,其中公职律师{r.randint(5, 60)}人。"
    )


def _enforcement(w: _Writer) -> list[str]:
    r = w.rng
    out = []
    n = r.randint(300, 60000)
    style = r.randrange(3)
    if style == 0:
        w.fig("行政执法案件数", n, "件")
        out.append(
            w.sentence(
                f"全年{w.place}各级行政执法部门共办理行政处罚案件{n}件,罚没款{r.randint(100, 9000)}万元。"
            )
        )
    elif style == 1:
        g = _pct(r, 2, 30)
        w.fig("行政执法案件数", n, "件", -g, "%")
        out.append(w.sentence(f"全年作出行政处罚决定{n}宗,同比减少{_fmt(g)}%,执法扰企现象明显减少。"))
    else:
        w.fig("行政执法案件数", n, "件")
        out.append(
            w.sentence(f"在食品药品、安全生产、生态环境等重点领域加大执法力度,查处行政执法案件{n}件。")
        )
    if r.random() < 0.6:
        staff = r.randint(300, 12000)
        w.fig("行政执法人员数", staff, "人")
        out.append(w.sentence(f"{w.place}持证行政执法人员{staff}人,全部纳入执法人员信息库动态管理。"))
    return out


def _mediation(w: _Writer) -> str:
    r = w.rng
    n, rate = r.randint(300, 20000), _pct(r, 90, 99)
    w.fig("矛盾纠纷调解数", n, "件")
    w.fig("调解成功率", rate, "%")
    return w.sentence(f"发挥人民调解第一道防线作用,调解各类矛盾纠纷{n}件,调解成功率{_fmt(rate)}%。")


def _legal_aid(w: _Writer) -> str:
    r = w.rng
    n = r.randint(100, 6000)
    w.fig("法律援助案件数", n, "件")
    return w.sentence(
        f"扩大法律援助覆盖面,全年办理法律援助案件{n}件,挽回经济损失{r.randint(100, 9000)}万元。"
    )


def _disclosure(w: _Writer) -> str:
    r = w.rng
    n, a = r.randint(1000, 90000), r.randint(10, 900)
    w.fig("主动公开政府信息数", n, "条")
    w.fig("政府信息公开申请数", a, "件")
    return w.sentence(f"全年主动公开政府信息{n}条,受理政府信息公开申请{a}件,均在法定期限内答复。")


# --- filler: realistic sentences whose numbers are not key figures ----------------------------------------

_FILLER = {
    "领导": [
        "健全党委领导、人大监督、政府负责、部门协同的法治政府建设推进机制",
        "建立法治政府建设重点任务台账,实行清单化管理、项目化推进",
        "把法治政府建设情况纳入领导班子和领导干部年度述职内容",
        "组织开展法治政府建设实地督察,对发现的问题逐项督促整改",
        "建立健全法治政府建设年度报告制度,按时向上级和同级党委报告工作",
        "将习近平法治思想纳入各级党校和行政学院主体班次必修课程",
        "坚持重大事项向党委请示报告制度,确保法治政府建设正确政治方向",
        "坚持把法治政府建设摆在全局工作的突出位置,与经济社会发展同部署、同推进、同督促、同考核、同奖惩",
        "及时调整法治政府建设工作领导小组,明确牵头单位和责任单位,形成一级抓一级、层层抓落实的工作格局",
        "印发年度法治政府建设工作要点,细化工作任务{n1}项,逐项明确责任单位和完成时限",
        "将法治政府建设纳入年度绩效考核,在综合考核中的权重提高到{n1}%",
        "召开政府常务会议专题研究法治政府建设工作{n1}次,及时协调解决工作推进中的困难和问题",
        "组织政府常务会议会前学法{n1}次,学习宪法、民法典、行政处罚法等法律法规",
        "举办领导干部法治专题讲座{n1}场,组织旁听庭审活动{n1}次,参加人员{n3}人次",
    ],
    "职能": [
        "推行“一件事一次办”集成服务,梳理高频事项{n2}个,平均减少办事环节{n1}个",
        "深化工程建设项目审批制度改革,审批时限压缩至法定时限的一半以内",
        "建设政务服务“好差评”体系,及时回应和整改群众差评",
        "推进“互联网+监管”,将监管事项全部纳入监管事项目录清单",
        "落实公平竞争审查制度,对新出台的涉及市场主体经济活动的政策措施全部进行审查",
        "推动政务服务向基层延伸,实现镇街、村居便民服务站全覆盖",
        "推进涉企收费目录清单管理,坚决清理规范违规涉企收费",
        "持续深化“放管服”改革,取消和下放行政许可事项{n1}项,政务服务事项网上可办率达{p}%",
        "全面推行权责清单制度,动态调整权责事项{n3}项,做到清单之外无权力",
        "优化营商环境,新增市场主体{n4}户,企业开办时间压缩至1个工作日以内",
        "深化“证照分离”改革,推行告知承诺制,惠及市场主体{n3}户",
        "全面实施市场准入负面清单制度,清理妨碍统一市场和公平竞争的政策措施{n1}件",
        "推进“一网通办”,政务服务热线受理群众诉求{n4}件,按时办结率{p}%",
        "推进证明事项告知承诺制,取消证明事项{n2}项,让数据多跑路、群众少跑腿",
    ],
    "制度": [
        "规范性文件合法性审核平均用时{n1}个工作日,审核意见采纳率100%",
        "严格执行行政规范性文件管理规定,规范起草、审核、决定、公布等程序",
        "健全规范性文件合法性审核机制,明确审核范围、审核主体和审核时限",
        "推进规范性文件数据库建设,实现现行有效文件统一公开、动态更新",
        "建立规范性文件实施后评估制度,及时修改或者废止不合时宜的文件",
        "围绕生态环境保护、城市管理等重点领域开展立法调研,提出立法建议",
        "严格落实政策文件出台前公平竞争审查和社会稳定风险评估",
        "加强备案审查能力建设,举办备案审查业务培训班,提升审查质量",
        "建立行政规范性文件制定计划制度,坚持有件必备、有备必审、有错必纠",
        "落实规范性文件统一登记、统一编号、统一印发制度,实行有效期管理",
        "开展涉及优化营商环境、生态环境保护等领域的法规规章和文件专项清理",
        "认真办理公民、法人和其他组织提出的审查建议,及时回应社会关切",
        "推进基层立法联系点建设,广泛听取基层群众对立法工作的意见建议",
    ],
    "决策": [
        "政府法律顾问列席政府常务会议{n1}次,提出法律意见{n2}条",
        "推行重大行政决策过程记录和材料归档制度,实现决策全过程留痕",
        "健全公众参与重大行政决策机制,通过政府网站公开征求意见",
        "完善政府常务会议议题合法性审查机制,法制审核成为上会必经程序",
        "推进重大决策社会稳定风险评估,做到应评尽评",
        "落实政府合同合法性审查制度,规范合同签订、履行和归档管理",
        "探索建立重大行政决策执行情况第三方评估机制",
        "加强公职律师队伍建设,推动党政机关公职律师工作全覆盖",
        "严格执行《重大行政决策程序暂行条例》,制定年度重大行政决策事项目录并向社会公布",
        "健全重大决策专家咨询论证机制,组建专家库,入库专家{n2}名",
        "对涉及群众切身利益的决策事项,通过听证会、座谈会等形式广泛听取意见,召开听证会{n1}场",
        "落实重大行政决策合法性审查机制,未经合法性审查或者经审查不合法的,不得提交讨论",
        "建立重大行政决策后评估制度,对实施满一年的决策事项开展评估",
    ],
    "执法": [
        "开展行政处罚案卷专项评查,评查行政处罚案卷{n2}宗",
        "对{n2}宗行政执法案件开展案卷评查",
        "推进行政执法“三项制度”落地,全面使用行政执法信息公示平台",
        "统一规范行政执法文书,推行执法案卷电子化管理",
        "开展行政执法突出问题专项整治,坚决纠正粗放执法、选择性执法",
        "落实行政执法与刑事司法衔接机制,依法移送涉嫌犯罪案件",
        "推行执法全过程音像记录,配备执法记录仪{n2}台",
        "建立健全行政执法监督工作体系,开展行政执法案卷评查和执法检查",
        "推行说理式执法和柔性执法,实现执法效果和社会效果相统一",
        "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度",
        "推进综合行政执法体制改革,整合执法队伍,推动执法力量向基层下沉",
        "组织行政执法人员培训{n1}期,培训{n3}人次,提升执法人员业务能力",
        "开展行政执法案卷评查,抽查案卷{n2}宗,案卷优良率达{p}%",
        "推行包容审慎监管,制定轻微违法行为免罚清单,对首次轻微违法依法不予处罚",
        "全面实施“双随机、一公开”监管,开展跨部门联合抽查{n2}次",
        "规范行政裁量权基准,修订完善行政处罚裁量基准{n2}项",
    ],
    "监督": [
        "认真执行向本级人大及其常委会报告工作制度,依法接受询问和质询",
        "支持人民法院依法受理和审理行政案件,尊重并执行人民法院生效裁判",
        "认真研究处理司法建议和检察建议,按时反馈办理情况",
        "推进政府信息公开平台建设,规范政府信息公开申请办理",
        "畅通群众监督和舆论监督渠道,及时回应社会关切",
        "加强对重点领域和关键岗位的监督,健全权力运行制约机制",
        "开展政府信息公开工作考核,推动公开标准化、规范化建设",
        "自觉接受人大法律监督、工作监督和政协民主监督,办理人大代表建议和政协提案{n3}件,办结率100%",
        "支持监察机关依法履行监察职责,强化审计监督,完成审计项目{n2}个",
        "全面推进政务公开,做好重点领域信息公开和政策解读",
        "健全“12345”政务服务便民热线,办理群众诉求{n4}件,群众满意率为{p}%",
        "认真落实行政执法责任制,开展执法监督检查{n1}次,发现问题全部督促整改",
        "推进政府诚信建设,开展政府机构失信问题专项治理",
    ],
    "矛盾": [
        "推进行政复议决定书网上公开,公开行政复议决定书{n2}份",
        "组织行政复议人员业务培训{n1}期,参训{n3}人次",
        "推进行政复议体制改革,集中行使行政复议职责,畅通行政复议申请渠道",
        "设立行政复议基层受理点,打通群众维权的“最后一公里”",
        "建立“府院联动”机制,推动行政机关与人民法院良性互动",
        "推进诉源治理,推动矛盾纠纷在基层就地化解",
        "健全行政应诉工作制度,推动行政机关负责人出庭出声出效",
        "完善公共法律服务体系,推进公共法律服务实体平台、热线平台、网络平台融合发展",
        "加强行业性专业性人民调解组织建设,新设立调解组织{n1}个",
        "坚持和发展新时代“枫桥经验”,健全人民调解、行政调解、司法调解联动工作体系",
        "建成村(社区)公共法律服务工作室{n2}个,实现公共法律服务全覆盖",
        "健全行政复议案件审理机制,推行繁简分流和调解和解,提升办案质效",
        "完善信访工作制度,依法分类处理信访诉求,推进信访工作法治化",
        "健全行政争议实质性化解机制,在行政复议中开展调解和解,化解行政争议{n2}起",
        "健全突发事件应对体系,修订完善应急预案{n2}件,组织应急演练{n1}次",
    ],
    "普法": [
        "开展“法律进机关、进乡村、进社区、进学校、进企业、进单位”活动",
        "利用新媒体开展普法宣传,推出普法短视频{n2}部",
        "落实国家工作人员旁听庭审制度,组织庭审观摩活动",
        "实施“法律明白人”培养工程,培养“法律明白人”{n3}名",
        "配齐配强中小学法治副校长,加强青少年法治教育",
        "推进法治文化与地方文化、红色文化融合发展",
        "开展“谁执法谁普法”履职评议,推动普法责任落到实处",
        "深入实施“八五”普法规划,落实“谁执法谁普法”普法责任制",
        "开展宪法宣传周、民法典宣传月等主题活动{n2}场次,覆盖群众{n4}人次",
        "组织国家工作人员学法考试,参考人员{n4}名,参考率100%",
        "建成法治文化阵地{n2}个,打造一批法治文化主题公园和法治长廊",
        "推进民主法治示范村(社区)创建,新增省级民主法治示范村(社区){n1}个",
    ],
}

# (heading variants, filler pool, key-figure writers)
_TOPICS = [
    (["加强党对法治政府建设的领导", "坚持高位推动,压实法治政府建设责任"], "领导", []),
    (["依法全面履行政府职能", "深化“放管服”改革,优化法治化营商环境"], "职能", []),
    (["完善依法行政制度体系", "加强制度建设,提高规范性文件质量"], "制度", [_normative]),
    (["推进行政决策科学化、民主化、法治化", "健全依法决策机制"], "决策", [_decisions, _counsel]),
    (["深入推进严格规范公正文明执法", "强化行政执法监督,规范执法行为"], "执法", [_enforcement]),
    (["强化对行政权力的制约和监督", "严格规范行政权力运行"], "监督", [_disclosure]),
    (
        ["依法有效化解社会矛盾纠纷", "发挥行政复议和行政应诉作用,化解行政争议"],
        "矛盾",
        [_review, _litigation, _appearance, _mediation, _legal_aid],
    ),
    (["加强法治宣传教育,提升全社会法治意识", "推进法治社会建设"], "普法", []),
]

_ITEM_HEADS = {
    "领导": ["强化统筹谋划", "落实述法制度", "抓好学法用法", "强化督察考核"],
    "职能": ["深化行政审批制度改革", "优化政务服务", "加强事中事后监管", "推进数字政府建设"],
    "制度": ["加强规范性文件监督管理", "加大备案审查力度", "开展文件清理"],
    "决策": ["严格落实决策程序", "发挥法律顾问作用", "加强合法性审查"],
    "执法": ["深化行政执法体制改革", "落实行政执法三项制度", "加强执法队伍建设"],
    "监督": ["主动接受外部监督", "强化内部监督", "推进政务公开"],
    "矛盾": ["加强行政复议工作", "做好行政应诉工作", "健全多元化解机制", "加强公共法律服务"],
    "普法": ["落实普法责任制", "加强法治文化建设", "推进基层依法治理"],
}

_SHORTCOMINGS = [
    (
        "部分领导干部运用法治思维和法治方式的能力有待提高",
        "个别单位对法治政府建设重要性认识不足,存在重业务、轻法治的现象,推进工作的主动性和创造性有待增强。",
    ),
    (
        "行政执法规范化水平仍需提升",
        "执法不严格、不规范的问题在一些领域仍然存在,个别执法人员法治意识和业务能力有待提高,执法程序不够严谨。",
    ),
    (
        "基层法治力量相对薄弱",
        "镇街法治机构人员配备不足,法律专业人员占比偏低,法治队伍建设与工作任务要求还有差距。",
    ),
    ("重大行政决策程序落实还不够到位", "个别部门公众参与、专家论证环节流于形式,决策后评估工作开展较少。"),
    ("法治宣传教育的针对性和实效性有待增强", "普法形式较为单一,面向企业和新业态从业人员的精准普法还不够。"),
]

_PLANS = [
    (
        "深入学习贯彻习近平法治思想",
        "把习近平法治思想贯彻落实到法治政府建设全过程和各方面,健全领导干部学法用法机制。",
    ),
    (
        "持续优化法治化营商环境",
        "深化“放管服”改革,全面落实市场准入负面清单制度,依法平等保护各类市场主体产权和合法权益。",
    ),
    ("提高依法科学民主决策水平", "严格落实重大行政决策程序,加强合法性审查,充分发挥法律顾问和公职律师作用。"),
    ("全面提升行政执法质量", "加强行政执法协调监督工作体系建设,推进执法规范化、标准化,强化执法人员培训。"),
    (
        "加强行政复议和应诉工作",
        "推进行政复议体制改革,发挥行政复议化解行政争议主渠道作用,做好行政机关负责人出庭应诉工作。",
    ),
    ("加强法治宣传教育", "推动“八五”普法规划落实,完善普法责任清单制度,推动全社会尊法学法守法用法。"),
]


class _Nums(dict):
    """A fresh plausible number for every ``{n1}``…``{p}`` placeholder (used with ``str.format_map``)."""

    def __init__(self, rng: random.Random, year: int = 0):
        super().__init__(year=str(year))
        self.rng = rng

    def __missing__(self, key: str) -> str:
        r = self.rng
        if key == "n1":
            return str(r.randint(2, 28))
        if key == "n2":
            return str(r.randint(20, 160))
        if key == "n3":
            return str(r.randint(100, 900))
        if key == "n4":
            return str(r.randint(1000, 98000))
        if key == "p":
            return f"{r.randint(85, 99)}.{r.randint(1, 9)}"
        raise KeyError(key)


_OPENERS = [
    "",
    "",
    "{year}年,",
    "围绕建设人民满意的法治政府目标,",
    "按照上级统一部署,",
    "坚持问题导向和目标导向,",
    "结合本地实际,",
    "聚焦群众反映强烈的突出问题,",
    "以法治政府建设示范创建为抓手,",
    "坚持系统观念,",
]
_RESULTS = [
    "有力推动了各项工作任务落地见效",
    "切实提升了依法行政的能力和水平",
    "为经济社会高质量发展提供了有力法治保障",
    "群众的获得感、幸福感、安全感进一步增强",
    "相关工作得到上级部门的充分肯定",
    "形成了一批可复制可推广的经验做法",
    "推动工作制度化、规范化、常态化",
    "工作成效在年度考评中位居前列",
    "切实做到依法履职、规范用权",
    "有效防范化解了各类风险隐患",
]


def _filler(w: _Writer, pool: str, k: int, decks: dict[str, list[str]]) -> list[str]:
    """``k`` sentences: an opener, one or two actions of the topic, a result. Actions come from a shuffled
    deck per topic, so a report repeats one only after using them all."""
    r, nums = w.rng, w.nums
    deck = decks.setdefault(pool, [])
    out = []
    for _ in range(k):
        if not deck:
            deck.extend(r.sample(_FILLER[pool], k=len(_FILLER[pool])))
        parts = [r.choice(_OPENERS) + deck.pop()]
        if deck and r.random() < 0.4:
            parts.append(deck.pop())
        parts.append(r.choice(_RESULTS))
        out.append(",".join(parts).format_map(nums) + "。")
    return out


def _choose_parts(rng: random.Random, old_style: bool) -> list[int]:
    if old_style:  # before the 2019 rule: measures, problems, plans
        return [1, 2, 4] if rng.random() < 0.85 else [1, 4]
    parts = [1, 2, 3, 4, 5]
    roll = rng.random()
    if roll < 0.25:
        parts.remove(5)
    elif roll < 0.35:
        parts.remove(3)
    elif roll < 0.42:
        parts.remove(2)
    elif roll < 0.47:
        parts.remove(4)
    return parts


def _headings(rng: random.Random, year: int, word: str) -> dict[int, str]:
    return {
        1: rng.choice(
            [
                f"{year}年{word}主要举措和成效",
                f"{year}年度工作情况",
                "主要工作举措及成效",
                f"{word}工作开展情况",
            ]
        ),
        2: rng.choice(["存在的不足和原因", "存在的问题及原因分析", "存在的主要问题", "工作中存在的不足"]),
        3: rng.choice(
            [
                "党政主要负责人履行推进法治建设第一责任人职责情况",
                "履行推进法治建设第一责任人职责情况",
                "主要负责人履行法治建设第一责任人职责情况",
            ]
        ),
        4: rng.choice(
            [
                f"{year + 1}年工作安排",
                "下一步工作打算",
                f"{year + 1}年推进{word}的主要安排",
                f"{year + 1}年工作计划",
            ]
        ),
        5: rng.choice(["其他需要报告的事项", "其他需要说明的情况", "其他有关情况"]),
    }


def generate(seed: int, key: str, org: str, year: int, signed: str, old_style: bool, extra: str = ""):
    """(lines, truth) of one report; deterministic per (seed, key, year)."""
    rng = random.Random(f"{seed}:report:{key}:{year}")
    place = "全区" if org.endswith(("区人民政府", "区", "办事处")) else ("全县" if "县" in org else "全市")
    w = _Writer(rng, year, org, place)
    word = "依法行政" if old_style else "法治政府建设"
    parts = _choose_parts(rng, old_style)
    heads = _headings(rng, year, word)
    # the first x.y% of the text is the satisfaction rate (not a key figure): the day-2 edit changes it
    sat = f"{rng.randint(88, 98)}.{rng.randint(1, 9)}"
    lines = [
        f"{year}年,{org}坚持以习近平新时代中国特色社会主义思想为指导,深入贯彻党中央、国务院关于{word}的决策部署,"
        f"全面推进依法行政,{word}各项工作取得新成效,群众对{word}工作的满意度达{sat}%。"
    ]
    inline = rng.random() < 0.5  # "1.标题。正文" on one line (江门) or heading line + body line (西区)
    for n, part in enumerate(parts):
        lines.append(f"{_CN_NUM[n]}、{heads[part]}")
        lines.extend(_PART_WRITERS[part](w, old_style, extra, inline))
    if rng.random() < 0.5:
        lines.append("特此报告。")
    lines.append(org)
    lines.append(signed)
    w.truth.parts = parts
    return [unicodedata.normalize("NFKC", ln) for ln in lines], w.truth


def _measures(w: _Writer, old_style: bool, extra: str, inline: bool) -> list[str]:
    """Part 1: 6–8 subsections of 2–4 numbered items, filled until the part reaches its drawn length."""
    r = w.rng
    keep = sorted(r.sample(range(len(_TOPICS)), k=r.randint(6, 8)))
    if 6 not in keep:  # the figures on disputes are almost always reported
        keep[-1] = 6
        keep.sort()
    decks: dict[str, list[str]] = {}
    sections = []  # (heading, [(item head, pool, body sentences)])
    for t in keep:
        heads, pool, writers = _TOPICS[t]
        item_heads = r.sample(_ITEM_HEADS[pool], k=min(len(_ITEM_HEADS[pool]), r.randint(2, 4)))
        items = [(head, pool, _filler(w, pool, 1, decks)) for head in item_heads]
        figure_sentences: list[str] = []
        for writer in writers:
            got = writer(w)
            figure_sentences.extend(got if isinstance(got, list) else [got])
        for j, sentence in enumerate(figure_sentences):
            body = items[j % len(items)][2]
            body.insert(r.randint(0, len(body)), sentence)
        sections.append((r.choice(heads), items))
    target = r.randint(6300, 12500)
    all_items = [item for _, items in sections for item in items]
    size = sum(len(x) for item in all_items for x in item[2])
    while size < target:
        _, pool, body = r.choice(all_items)
        if not decks.get(pool):  # prefer a topic with actions left, so a report repeats itself late
            fresh = [it for it in all_items if decks.get(it[1])]
            if fresh:
                _, pool, body = r.choice(fresh)
        added = _filler(w, pool, 1, decks)[0]
        body.insert(r.randint(0, len(body)), added)
        size += len(added)
    if extra:
        sections[0][1][0][2].append(extra)
    out: list[str] = []
    number = 0
    for i, (heading, items) in enumerate(sections):
        out.append(f"({_CN_NUM[i]}){heading}。")
        for head, _, body in items:
            number += 1
            if inline:
                out.append(f"{number}.{head}。" + "".join(body))
            else:  # heading line, then the body in one or two paragraphs
                out.append(f"{number}.{head}")
                cut = r.randint(1, len(body)) if len(body) > 3 else len(body)
                out.append("".join(body[:cut]))
                if body[cut:]:
                    out.append("".join(body[cut:]))
    return out


def _shortcomings(w: _Writer, old_style: bool, extra: str, inline: bool) -> list[str]:
    r = w.rng
    picked = r.sample(_SHORTCOMINGS, k=r.randint(3, 4))
    out = []
    if r.random() < 0.5:
        for i, (head, body) in enumerate(picked):
            out.append(f"({_CN_NUM[i]}){head}。{body}")
    else:
        ordinals = ["一是", "二是", "三是", "四是"]
        out.append(
            f"{w.year}年,{w.org}法治政府建设工作虽然取得了一定成效,但对照新形势新任务新要求,仍存在一些不足:"
            + "".join(f"{ordinals[i]}{head},{body}" for i, (head, body) in enumerate(picked))
        )
    out.append(
        "产生上述问题的原因,主要是法治宣传教育的针对性不够,考核督促机制还需完善,法治人才队伍建设滞后于工作需要。"
    )
    return out


def _leaders(w: _Writer, old_style: bool, extra: str, inline: bool) -> list[str]:
    r = w.rng
    nums = _Nums(r)
    sents = [
        f"{w.org}主要负责人认真履行推进法治建设第一责任人职责,把法治政府建设作为“一把手”工程,"
        f"全年主持召开专题会议{nums['n1']}次,研究解决法治政府建设中的重大问题。",
        "带头尊法学法守法用法,在政府常务会议上带头学习习近平法治思想和相关法律法规,以上率下提升法治素养。",
        "对法治政府建设重要工作亲自部署、重大问题亲自过问、重点环节亲自协调、重要任务亲自督办。",
        f"带头落实年终述法制度,组织{nums['n2']}个部门主要负责人述法,实现述法全覆盖。",
        "坚持把法治建设成效作为衡量各级领导班子和领导干部工作实绩的重要内容,纳入政绩考核指标体系。",
    ]
    picked = r.sample(sents[1:], k=3)
    return [sents[0] + "".join(picked)]


def _plans(w: _Writer, old_style: bool, extra: str, inline: bool) -> list[str]:
    r = w.rng
    out = [f"{w.year + 1}年,{w.org}将坚持以习近平法治思想为指导,重点抓好以下工作:"]
    for i, (head, body) in enumerate(r.sample(_PLANS, k=r.randint(3, 5))):
        out.append(f"({_CN_NUM[i]}){head}。{body}")
    return out


def _other(w: _Writer, old_style: bool, extra: str, inline: bool) -> list[str]:
    r = w.rng
    return [
        r.choice(
            [
                f"{w.year}年,{w.org}无其他需要报告的事项。本报告已经政府常务会议审议通过,并按规定向社会公开。",
                f"按照法治政府建设年度报告制度要求,本报告于{w.year + 1}年3月底前通过政府门户网站向社会公开,接受社会监督。",
                "法治政府建设示范创建工作稳步推进,相关创建材料已按要求报送上级部门。其他事项将另行专题报告。",
            ]
        )
    ]


_PART_WRITERS = {1: _measures, 2: _shortcomings, 3: _leaders, 4: _plans, 5: _other}
