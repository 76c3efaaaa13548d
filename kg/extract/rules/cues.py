"""Cue patterns of the rules: propose, naming, comparison, extension and list cues."""
from __future__ import annotations

import re

from kg.extract.text import Cue


PROPOSE_CUE = Cue(
    r"\b(?:we|this (?:paper|work|study|article)|this|here,? we|in this (?:paper|work),? we)\s+"
    r"(?:(?:first|also|further|then|thus|therefore|hence|now)\s+)?"
    r"(?:propose[sd]?|introduce[sd]?|present[s]?|develop[s]?|design[s]?|devise[sd]?|put forward|release[sd]?|"
    r"construct[s]?|build[s]?|create[sd]?|contribute[sd]?|formulate[sd]?|offer[s]?)\b",
    ("propose", "introduce", "present", "develop", "design", "devise", "put forward", "release", "construct",
     "build", "create", "contribute", "formulate", "offer"),
    re.I,
)
NAMING_CUE = Cue(r"\b(?:dubbed|called|named|termed|coined|referred to as|denoted as|abbreviated as)\s+",
                 ("dubbed", "called", "named", "termed", "coined", "referred to as", "denoted as", "abbreviated as"), re.I)
WIN_CUE = Cue(
    r"\b(?:outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|exceed(?:s|ed|ing)?|beat(?:s|ing)?|"
    r"(?:is|are|was|were|being)?\s*(?:significantly |consistently |substantially |much |far )?"
    r"(?:better than|superior to|more (?:effective|efficient|accurate|robust) than|faster than|stronger than)|"
    r"improv(?:es|ed|ement|ements|ing) (?:up)?on|improvements? over|enhancements? over|gains? over|advantages? over|eclipsed?)\b",
    # "than" alone would let the regex run on every "more than" and "rather than"
    ("outperform", "surpass", "exceed", "beat", "better than", "effective than", "efficient than", "accurate than",
     "robust than", "faster than", "stronger than", "superior to", "improv", "enhancement", "gain over",
     "gains over", "advantage", "eclipse"),
    re.I,
)
COMPARE_CUE = Cue(r"\b(?:compared (?:to|with)|as compared to|relative to|than)\b", ("compared", "relative to", "than"), re.I)
NEGATION = re.compile(
    r"\b(?:not|never|no longer|fail(?:s|ed)? to|cannot|can't|unable to|rarely|may|might|could|whether)\b[^.,;]{0,45}$",
    re.I,
)
EXTEND_CUE = Cue(
    r"\b(?:is |are )?(?:based on|builds? (?:up)?on|built (?:up)?on|extends?|extension of|extending|"
    r"variant of|generali[sz]es|generali[sz]ation of|modif(?:ies|ication of)|improves? (?:up)?on|"
    r"derived from|on top of|extended from|adaptation of|adapts?|upgrade of|successor (?:of|to))\b",
    ("based on", "build", "built", "extend", "extension of", "variant of", "generali", "modif", "improve",
     "derived from", "on top of", "adapt", "upgrade of", "successor"),
    re.I,
)
EVAL_CUE = re.compile(
    r"\b(?:experiments?|evaluat\w*|results?|benchmark\w*|tested|test|validat\w*|achiev\w*|accuracy|"
    r"performance|state-of-the-art|sota|outperform\w*|demonstrat\w*|show\w*|report\w*|top-1|mAP|mIoU)\b",
    re.I,
)
GAIN_CUE = Cue(
    r"(?:\+\s?\d|\b(?:higher|better|fewer|lower (?:error|latency|cost)|improv\w+|gains?|faster|outperform\w*|surpass\w*|speed-?up|reduc\w+)\b)",
    ("+", "higher", "better", "fewer", "lower", "improv", "gain", "faster", "outperform", "surpass", "speed", "reduc"),
    re.I,
)
NOVEL_CUE = Cue(r"\b(?:new|novel|proposed)\s+", ("new", "novel", "proposed"), re.I)
NAMELY = Cue(r"\bnamely\s+", ("namely",))
OUR_PROPOSED = Cue(r"\b(?:the|our) proposed\b", ("proposed",), re.I)
NEW_BEFORE = re.compile(r"\b(?:a new|a novel|new|novel|our new|our novel|proposed)\s+(?:[\w-]+\s+)?$|\b(?:a new|a novel|novel|new)\s+$", re.I)
CLAUSE_BREAK = re.compile(r"[;.]|\b(?:while|whereas|but|which)\b")
COMPARED_FAMILY = re.compile(r"^\s*(?:the\s+|other\s+|previous\s+|prior\s+|existing\s+|recent\s+|modern\s+|current\s+|several\s+|many\s+|strong\s+)*((?:[\w+-]+\s+){0,3}?[\w+-]+(?:(?:,\s*|\s+and\s+|\s+or\s+)(?:[\w+-]+\s+){0,2}?[\w+-]+)*)\s+(?:methods|models|approaches|baselines|architectures|techniques|algorithms|variants|counterparts)\b")
HEDGE = re.compile(r"\b(?:not|never|fail(?:s|ed)? to|cannot|may|might|could|whether|competitive with|comparable to|on par with)\b", re.I)
TASK_LIST = Cue(r"\b(?:on|in|for|to|across|including|such as)\s+((?:[a-z][\w'-]*\s+){0,3}[a-z][\w'-]*(?:(?:,\s*|,?\s+and\s+|,?\s+or\s+)(?:[a-z][\w'-]*\s+){0,3}[a-z][\w'-]*)*)\s+(?:tasks|problems|applications)\b",
                ("tasks", "problems", "applications"))
# "A, B and C datasets" and "datasets: A, B and C"
DATASET_LISTS = tuple(Cue(p, ("datasets", "benchmarks", "data sets")) for p in (
    r"((?:[A-Z][\w\-.!/]*(?:\s[A-Z0-9][\w\-.!/]*)?(?:,\s*|,?\s+and\s+|\s+or\s+))+[A-Z][\w\-.!/]*(?:\s[A-Z0-9][\w\-.!/]*)?)\s+(?:datasets|benchmarks|data sets)\b",
    r"\b(?:datasets|benchmarks|data sets)\b\s*(?::|,|\(|such as|including|like|namely|,\s*(?:i\.e\.|e\.g\.),?)?\s*((?:[A-Z][\w\-.!/]*(?:\s[A-Z0-9][\w\-.!/]*)?(?:,\s*|,?\s+and\s+))*[A-Z][\w\-.!/]*(?:\s[A-Z0-9][\w\-.!/]*)?)",
))

COMPONENT_CUE = Cue(r"\b(?:consists? of|consisting of|comprises?|comprising|composed of|made up of|equipped with|contains?|containing|includes?|including|two (?:novel|new) (?:designs|components|modules))\b",
                    ("consist", "compris", "composed of", "made up of", "equipped with", "contain", "includ", "two novel", "two new"), re.I)
ATTENTION_IDIOM = re.compile(r"\b(?:much|great|growing|increasing|considerable|significant|little|more|less|wide|widespread|special|particular|close|pay|pays|paid|attract\w*|draw\w*|drawn|receiv\w*|gain\w*|garner\w*)\s+$", re.I)
HARDWARE_TAIL = re.compile(r"\s(?:GPU|CPU|TPU|NPU)s?\b")
PRETRAIN_ONLY = re.compile(r"\bpre-?train(?:ed|ing)? (?:on|with)\s+$", re.I)

CODE_URL = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|codeberg\.org)/[^\s)\]}>,;\"']+")

AFFIX_AFTER = re.compile(r"-(?:based|inspired|enhanced|augmented|equipped|like|style|aware|free|wise|level|specific|driven|agnostic|friendly|only|oriented|related|guided|enabled|powered)\b", re.I)

AFFIX_WORDS = re.compile(r"-(?:based|inspired|enhanced|augmented|equipped|like|style|aware|free|wise|level|specific|driven|agnostic|friendly|only|scale|oriented|related|guided|enabled|powered)$", re.I)

VERSION_SUFFIX = re.compile(r"(?: ?[Vv]\d+(?:\.\d+)?|\+\+?|\^\+)(?![\w+])")
NAME_SUFFIX = re.compile(r" (?:Net|Network|Networks|Module|Block|Cell|Layer|Former|Transformer|Head|Loss|V\d+|v\d+)\b")
_NAME_TOKEN = re.compile(r"[A-Za-zα-ωΑ-Ω0-9][\w+\-.^αβγδεζηθλμπστφψω]*[\w+]|[A-Z]")
# Where a coined name may be: _is_coined needs a capital inside the word, a capital and a digit,
# or a capital before two non-lower-case characters ("A_1"). A sentence without any of these
# (half the corpus) holds no coined name, so _coined skips its word-by-word scan. Every form
# starts at the capital (re then skips to capitals alone, 5x faster than trying four forms at
# every character); "a digit, then a capital" is a capital after a word character too.
MAYBE_COINED = re.compile(r"[^\W\d_a-z](?:(?<=[\w+\-.^].)|(?:(?![a-z])[\w+\-.^]){2}|[\w+\-.^]*\d)")
