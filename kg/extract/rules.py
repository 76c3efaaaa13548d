"""The default extractor: deterministic rules over one paper's title and abstract.

Stages, each a small function: sentences -> candidate mentions (lexicon, defined
abbreviations, coined names, head-noun phrases) -> mentions merged within the paper
-> roles (proposes / mentions / evaluatesOn / usesHardware / addresses) and
method-to-method claims (outperforms, extends) from sentence cues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Callable

from rapidfuzz import fuzz

from kg.extract.abbrev import best_long_form, find_abbreviations
from kg.extract.lexicon import Gazetteer, default_gazetteer
from kg.extract.text import Cue, Sentence, name_key, sentences, tokens
from kg.records import PAPER, Claim, Evidence, Extraction, Mention, Paper
from kg.schema import kind

# SCHEMA.md: vague phrases are never entities.
VAGUE = {
    name_key(v)
    for v in (
        "our method", "a novel framework", "existing approaches", "the proposed model", "deep learning",
        "machine learning", "artificial intelligence", "neural network", "deep neural network", "DNN",
        "model", "algorithm", "architecture", "data", "images", "experiments", "network", "framework",
        "method", "approach", "system", "technique", "module", "AI", "ML", "DL", "NN", "ANN",
        "artificial neural network", "deep network", "deep model", "baseline", "benchmark", "dataset",
    )
}

# Acronyms that name metrics, units, organisations or prose, not methods.
NOT_NAMES = {
    "AP", "mAP", "AUC", "ROC", "PSNR", "SSIM", "FID", "IoU", "mIoU", "BLEU", "ROUGE", "FLOPs", "FLOP", "GFLOPs",
    "MACs", "FPS", "SOTA", "SoTA", "TOPS", "API", "APIs", "URL", "PDF", "RGB", "HD", "US", "UK", "EU", "USA",
    "II", "III", "IV", "VI", "OK", "MSE", "MAE", "RMSE", "F1", "AI", "ML", "DL", "NN", "DNN", "DNNs", "ANN",
    "ANNs", "CV", "NLP", "IEEE", "ACM", "CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "ACL",
    "EMNLP", "GB", "MB", "KB", "TB", "ms", "GHz", "MHz", "Hz", "dB", "CUDA", "PyTorch", "TensorFlow", "JAX",
    "GitHub", "ArXiv", "arXiv", "OpenAI", "Google", "Meta", "Microsoft", "NVIDIA", "Nvidia", "DeepMind",
    "TVM", "DGL", "PyG", "Python", "MATLAB", "ImageNet-pretrained", "Top-1", "Top-5", "ID", "OOD", "QA",
    "LaTeX", "SQL", "JSON", "HTML", "XML", "CSV", "COVID", "COVID-19", "SARS-CoV-2", "DNA", "RNA", "MRI",
    "CT", "ECG", "EEG", "fMRI", "GPS", "RL", "SGD",
}

GENERIC_MODIFIERS = {
    "a", "an", "the", "our", "their", "its", "this", "these", "those", "that", "such", "each", "every", "all",
    "proposed", "novel", "new", "existing", "previous", "prior", "standard", "conventional", "traditional",
    "current", "recent", "modern", "popular", "different", "various", "multiple", "several", "many", "other",
    "simple", "general", "generic", "specific", "additional", "same", "first", "second", "two", "three",
    "single", "state-of-the-art", "typical", "common", "original", "final", "whole", "entire", "efficient",
    "effective", "powerful", "robust", "accurate", "lightweight", "better", "best", "large", "small", "deep",
    "shallow", "based", "improved", "better", "key", "main", "unified", "corresponding", "relevant",
    "underlying", "resulting", "overall", "given", "most", "more", "less", "fewer", "with", "of", "for", "and",
    "or", "in", "on", "to", "by", "from", "as", "at", "via", "using", "is", "are", "be", "we", "it", "which",
    "powerful", "strong", "weak", "fast", "faster", "high", "low", "higher", "lower", "both", "any", "some",
    "downstream", "challenging", "important", "fundamental", "practical", "real-world", "real", "world",
    "extensive", "comprehensive", "widely-used", "well-known", "classic", "classical", "advanced",
    "competitive", "comparable", "similar", "baseline", "vanilla", "naive", "randomly", "random",
}

TASK_HEADS = {
    "detection", "segmentation", "classification", "recognition", "estimation", "generation", "synthesis",
    "forecasting", "prediction", "translation", "reconstruction", "captioning", "retrieval", "localization",
    "tracking", "enhancement", "completion", "answering", "summarization", "modeling", "modelling",
    "reasoning", "diagnosis", "separation", "restoration", "inpainting", "super-resolution", "denoising",
    "parsing", "alignment", "registration", "compression", "verification", "navigation", "planning",
    "editing", "understanding", "matching", "search", "decomposition", "representation learning",
}
TRAILING_PARTS = {"module", "modules", "block", "blocks", "unit", "units", "layer", "layers", "mechanism", "mechanisms", "cell", "cells"}
METHOD_HEADS = {
    "attention", "loss", "network", "networks", "convolution", "convolutions", "pooling", "encoder", "decoder",
    "transformer", "transformers", "regularization", "normalization", "distillation", "memory", "embedding",
    "embeddings", "operator", "pyramid", "router", "block", "cell", "unit", "units", "head", "heads",
    "mechanism", "layer", "layers", "autoencoder", "perceptron", "integrator", "encoding", "fusion",
}
DATASET_HEADS = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "suite"}
DATASET_NAME_HEADS = {"challenge", "exchange", "bank", "collection", "arena", "database", "set", "corpora", "evaluation"}
METHOD_NAME_HEADS = {
    "model", "learning", "search", "coding", "optimization", "optimisation", "regression", "machine", "estimator",
    "predictor", "classifier", "detector", "descent", "sampling", "transform", "decomposition", "process", "field",
    "circuit", "circuits", "integrator", "integrators", "algorithm", "tree", "forest", "graph", "kernel", "scheme",
    "strategy", "policy", "distillation", "pruning", "quantization", "training", "tuning", "adaptation", "pyramid",
}
METHOD_HEAD_STEMS = frozenset(h.rstrip("s") for h in METHOD_HEADS)
METHOD_NAME_STEMS = METHOD_HEAD_STEMS | {h.rstrip("s") for h in METHOD_NAME_HEADS}
HARDWARE_HEADS = {"processor", "chip", "chips", "accelerator", "accelerators", "sensor", "sensors", "camera", "cameras", "radar", "array", "crossbar", "device", "devices"}
NOT_ENTITY_HEADS = {
    "disorder", "disease", "syndrome", "memory", "error", "errors", "ratio", "rate", "score", "index", "metric",
    "university", "institute", "laboratory", "agency", "foundation", "organization", "association", "conference",
    "workshop", "committee", "council", "administration", "act", "regulation", "imaging", "tomography",
}

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
    ("outperform", "surpass", "exceed", "beat", "than", "superior to", "improv", "enhancement", "gain over",
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
TITLE_LINKS = {"for", "with", "via", "in", "on", "using", "to"}
COMPONENT_CUE = Cue(r"\b(?:consists? of|consisting of|comprises?|comprising|composed of|made up of|equipped with|contains?|containing|includes?|including|two (?:novel|new) (?:designs|components|modules))\b",
                    ("consist", "compris", "composed of", "made up of", "equipped with", "contain", "includ", "two novel", "two new"), re.I)
ATTENTION_IDIOM = re.compile(r"\b(?:much|great|growing|increasing|considerable|significant|little|more|less|wide|widespread|special|particular|close|pay|pays|paid|attract\w*|draw\w*|drawn|receiv\w*|gain\w*|garner\w*)\s+$", re.I)
HARDWARE_TAIL = re.compile(r"\s(?:GPU|CPU|TPU|NPU)s?\b")
PRETRAIN_ONLY = re.compile(r"\bpre-?train(?:ed|ing)? (?:on|with)\s+$", re.I)

CODE_URL = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|codeberg\.org)/[^\s)\]}>,;\"']+")

RULE_CONFIDENCE = {
    "lexicon": 0.9, "abbreviation": 0.85, "title-name": 0.9, "propose-cue": 0.85, "naming-cue": 0.9,
    "coined-name": 0.6, "acronym": 0.5, "head-noun": 0.55, "dataset-head": 0.7,
}


@dataclass
class Candidate:
    """A mention being assembled within one paper."""

    name: str
    type: str
    rule: str
    sentence: int  # index into the paper's sentences where first seen
    aliases: set[str] = field(default_factory=set)
    proposed_by: str = ""  # rule that marked it proposed
    proposed_sentence: int = -1
    compared: bool = False  # named as the object of a comparison: worth keeping even if seen once
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (sentence, start, end) in sentence text


AFFIX_AFTER = re.compile(r"-(?:based|inspired|enhanced|augmented|equipped|like|style|aware|free|wise|level|specific|driven|agnostic|friendly|only|oriented|related|guided|enabled|powered)\b", re.I)


def _read_stopwords() -> frozenset[str]:
    text = Path(__file__).with_name("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


STOPWORDS = _read_stopwords()
GENERIC_TERMS = frozenset(
    line.strip() for line in (Path(__file__).with_name("lexicons") / "generic.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
AFFIX_WORDS = re.compile(r"-(?:based|inspired|enhanced|augmented|equipped|like|style|aware|free|wise|level|specific|driven|agnostic|friendly|only|scale|oriented|related|guided|enabled|powered)$", re.I)


@lru_cache(maxsize=1 << 16)
def _is_coined(word: str) -> bool:
    """A model-like name: internal capitals (ModuleFormer, RCNet), letters with digits
    (FBNetV5, GPT-4), or capitals joined by hyphens (Eigen-CAM, DAMO-YOLO)."""
    core = word.strip("+")
    if len(core) < 3 or not core[0].isalpha() and not core[0].isdigit():
        return False
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return False
    caps = sum(c.isupper() for c in letters)
    has_digit = any(c.isdigit() for c in core)
    internal_cap = any(c.isupper() for c in core[1:]) and any(c.islower() for c in core)
    if "-" in core:
        parts = [p for p in core.split("-") if p]
        return any(_is_coined(p) or (p.isupper() and len(p) >= 2) for p in parts) and caps >= 2
    return internal_cap or (has_digit and caps >= 1) or (core.isupper() and len(core) >= 3)


VERSION_SUFFIX = re.compile(r"(?: ?[Vv]\d+(?:\.\d+)?|\+\+?|\^\+)(?![\w+])")
NAME_SUFFIX = re.compile(r" (?:Net|Network|Networks|Module|Block|Cell|Layer|Former|Transformer|Head|Loss|V\d+|v\d+)\b")
_NAME_TOKEN = re.compile(r"[A-Za-zα-ωΑ-Ω0-9][\w+\-.^αβγδεζηθλμπστφψω]*[\w+]|[A-Z]")


def _clean_name(text: str) -> str:
    return text.strip(" ,.;:()[]\"'“”‘’")


class RuleExtractor:
    """Rule-based extractor; the default `Extractor`."""

    name = "rules"

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or default_gazetteer()

    def pipe(self, papers):
        return map(self, papers)

    def fingerprint(self) -> str:
        from kg.extract.digest import source_digest

        return f"rules:{source_digest()}"

    def __call__(self, paper: Paper) -> Extraction:
        sents, cands = self.candidate_pool(paper)
        self._drop_vague(cands, bool(sents) and sents[0].is_title)
        return self.extraction_from(paper, sents, cands)

    def candidate_pool(self, paper: Paper) -> tuple[list[Sentence], dict[str, Candidate]]:
        """Every candidate the generators find, before any is judged (the learned extractor
        judges this pool with its model; the rules judge it with _drop_vague)."""
        sents = sentences(paper.title, paper.abstract)
        cands: dict[str, Candidate] = {}
        abbrevs = self._abbreviations(sents)
        for i, s in enumerate(sents):
            self._lexicon(s, i, cands)
        self._defined_terms(abbrevs, sents, cands)
        self._title_name(sents, cands)
        # the paper's domain is counted only if a sentence holds a bare task word
        domain = cache(lambda: _domain(paper.title + " " + paper.abstract))
        for i, s in enumerate(sents):
            self._bare_tasks(s, i, cands, domain)
            self._known_names(s, i, cands)
            self._head_nouns(s, i, cands)
            self._coined(s, i, cands, abbrevs)
            self._compared_methods(s, i, cands)
            self._task_lists(s, i, cands)
            self._dataset_lists(s, i, cands)
            self._proposals(s, i, cands)
        return sents, cands

    def extraction_from(self, paper: Paper, sents: list[Sentence], cands: dict[str, Candidate]) -> Extraction:
        for c in cands.values():
            # what a paper proposes is a method or a dataset; a guessed Task type yields
            if c.proposed_by and c.type not in ("Method", "Dataset"):
                if c.rule == "lexicon":
                    c.proposed_by = ""
                else:
                    c.type = "Method"
        mentions = tuple(
            Mention(c.name, c.type, tuple(sorted(a for a in c.aliases if name_key(a) != name_key(c.name))), c.rule)
            for c in cands.values()
        )
        # one Evidence per sentence, shared by its claims (and kept shared when pickled)
        evidence = [Evidence(s.text, s.start, s.end) for s in sents]
        claims = self._paper_claims(cands, sents, evidence) + self._method_claims(cands, sents, evidence)
        urls = tuple(dict.fromkeys(u.rstrip(".") for u in CODE_URL.findall(paper.abstract)))
        return Extraction(paper.id, mentions, tuple(claims), urls)

    # -- candidates -------------------------------------------------------------------------

    def _add(self, cands, name, type_, rule, i, span=None, alias=None) -> Candidate:
        cand = self._find(cands, name)
        if cand is None:
            cand = cands[name_key(name)] = Candidate(name, type_, rule, i)
        if alias and name_key(alias) != name_key(cand.name):
            cand.aliases.add(alias)
        if span:
            cand.spans.append((i, *span))
        return cand

    def _lexicon(self, s: Sentence, i: int, cands) -> None:
        consumed = 0
        for start, end, term in self.gazetteer.find(s.text):
            if start < consumed:
                continue
            if s.text[end:end + 1] == "-" and re.match(r"-[A-Za-z0-9]", s.text[end:end + 2]) \
                    and not AFFIX_AFTER.match(s.text[end:]):
                continue  # "ViT" in "ViT-B" is a variant's name, left to the name rules
            if start >= 2 and s.text[start - 1] == "-" and s.text[start - 2].isalnum() and term.type == "Dataset":
                continue  # "TIMIT" in "DeepFake-TIMIT" is part of another name
            surface = s.text[start:end]
            if surface in NOT_NAMES:
                continue
            version = VERSION_SUFFIX.match(s.text, end) if term.type == "Method" else None
            if version:
                # "Spikformer V2" is a new version, not the known Spikformer
                self._add(cands, surface + version.group(), "Method", "coined-name", i, (start, version.end()))
                consumed = version.end()
                continue
            if term.name == "attention mechanism" and ATTENTION_IDIOM.search(s.text[:start]):
                continue  # "attracted much attention" is prose, not the mechanism
            if term.type == "Hardware":
                tail = HARDWARE_TAIL.match(s.text, end)
                if tail:
                    end = consumed = tail.end()  # "T4 GPUs" is the T4, not also a generic GPU
                    surface = s.text[start:end]
            if term.type == "Task":
                left = _task_modifiers(s.text, start)
                if left < start:
                    # "monaural speech separation": a qualified task, with the known task as alias
                    self._add(cands, s.text[left:end], "Task", "qualified-task", i, (left, end), alias=term.name)
                    continue
            self._add(cands, term.name, term.type, "lexicon", i, (start, end), alias=surface)

    def _abbreviations(self, sents: list[Sentence]):
        found = []
        for i, s in enumerate(sents):
            for ab in find_abbreviations(s.text):
                if ab.short in NOT_NAMES:
                    continue
                found.append((i, ab))
        return found

    def _type_of(self, name: str) -> str | None:
        term = self.gazetteer.lookup(name)
        if term:
            return term.type
        words = name.lower().split()
        last = words[-1] if words else ""
        if last in DATASET_HEADS:
            return "Dataset"
        if last in TASK_HEADS or " ".join(words[-2:]) in TASK_HEADS:
            return "Task"
        if last in DATASET_NAME_HEADS:
            return "Dataset"
        if last.rstrip("s") in METHOD_NAME_STEMS or last.endswith(("net", "former")):
            return "Method"
        if last in HARDWARE_HEADS:
            return "Hardware"
        return None

    def _defined_terms(self, abbrevs, sents, cands) -> None:
        """A defined acronym is an alias of its expansion, never a second entity."""
        for i, ab in abbrevs:
            term = self.gazetteer.lookup(ab.long)
            if term is None:
                short_term = self.gazetteer.lookup(ab.short)
                if short_term is not None and _similar_names(ab.long, short_term.name):
                    term = short_term
                elif short_term is not None:
                    # the paper defines the acronym its own way ("PGD" is not projected gradient
                    # descent here): drop what the lexicon read into the bare acronym
                    taken = self._find(cands, short_term.name)
                    if taken is not None and taken.rule == "lexicon":
                        cands.pop(name_key(taken.name), None)
            if term:
                cand = self._add(cands, term.name, term.type, "lexicon", i, alias=ab.short)
                cand.aliases.add(ab.long)
                # the short form may have been taken for a separate entity by the lexicon
                if name_key(ab.short) != name_key(term.name):
                    cands.pop(name_key(ab.short), None)
                continue
            long_ = ab.long
            words = long_.split()
            while words and words[0].islower() and words[0] in GENERIC_MODIFIERS:
                words = words[1:]
            long_ = " ".join(words)
            type_ = self._type_of(long_)
            if type_ is None:
                if long_.split()[-1].lower() in NOT_ENTITY_HEADS:
                    continue  # "Autism Spectrum Disorder (ASD)", "out-of-memory (OOM)": not entities
                type_ = "Method"
            if not long_ or name_key(long_) in VAGUE:
                continue
            existing = cands.pop(name_key(ab.short), None)
            span = (ab.end - len(long_), ab.end)
            cand = self._add(cands, long_, type_, "abbreviation", i, span, alias=ab.short)
            if existing:
                cand.aliases |= existing.aliases
                cand.spans += existing.spans

    def _title_name(self, sents, cands) -> None:
        """"Name: subtitle" titles name what the paper proposes."""
        if not sents or not sents[0].is_title:
            return
        title = sents[0].text
        m = re.match(r"^\s*([^:]{2,40}?)\s*:\s+(.+)$", title)
        if not m:
            self._title_phrase(title, cands)
            return
        head, rest = m.group(1).strip(), m.group(2)
        acr = re.match(r"^(.*?)\s*\(([^)]+)\)$", head)
        alias = None
        if acr:
            head, alias = acr.group(1).strip(), acr.group(2).strip()
        head = _clean_name(head)
        if len(head.split()) > 4 or not any(c.isupper() or c.isdigit() for c in head[1:]) and len(head.split()) > 1:
            return
        if len(head.split()) > 1 and head.split()[-1].lower().endswith("ed"):
            return  # "X Revisited: ...", "Y Explained: ..." name a topic, not a method
        if head.split()[0].lower() in {"towards", "toward", "on", "beyond", "rethinking", "revisiting", "when", "why", "what", "how", "is", "are", "do", "does", "can"}:
            return
        type_ = "Dataset" if re.search(r"\b(?:dataset|benchmark|corpus)\b", rest[:60], re.I) else "Method"
        term = self.gazetteer.lookup(head)
        if term is not None and term.type != type_:
            return
        cand = self._add(cands, head, type_, "title-name", 0, alias=alias)
        cand.proposed_by, cand.proposed_sentence = "title-name", 0
        # "X: A Long Form Name for ..." where the long form spells X's initials
        lf = re.match(r"^(?:an?|the)\s+(.+?)(?:\s+(?:for|with|via|on|in|to|using|based|that)\b|[,:]|$)", rest, re.I)
        if lf:
            letters = re.sub(r"[^A-Za-z]", "", head.split("-")[0])
            if len(letters) >= 2 and best_long_form(letters, lf.group(1)) == lf.group(1):
                cand.aliases.add(lf.group(1))

    def _compared_methods(self, s: Sentence, i: int, cands) -> None:
        """"outperforms surrogate training and ANN2SNN methods": the named families a
        result is compared against are methods."""
        text = s.text
        for m in WIN_CUE.finditer(text):
            stop = CLAUSE_BREAK.search(text, m.end())
            g = COMPARED_FAMILY.search(text[m.end():stop.start() if stop else len(text)])
            if not g:
                continue
            base = m.end() + g.start(1)
            for part in re.split(r",\s*|\s+(?:and|or)\s+", g.group(1)):
                words = _strip_generic(part.split())
                name = " ".join(words)
                if not name or name_key(name) in VAGUE or not any(c.isalpha() for c in name):
                    continue
                if any(_generic(w) or WIN_CUE.match(w) for w in words):
                    continue
                start = text.find(name, base)
                found = self._find(cands, name)
                if found is None:
                    term = self.gazetteer.lookup(name)
                    if term is not None and term.type != "Method":
                        continue
                    found = self._add(cands, term.name if term else name, "Method", "lexicon" if term else "compared-method",
                                      i, (start, start + len(name)) if start >= 0 else None, alias=name)
                found.compared = True

    def _dataset_lists(self, s: Sentence, i: int, cands) -> None:
        """Names listed as datasets ("on A, B and C datasets", "benchmarks: A, B") are
        Datasets, whatever a name-shape rule guessed."""
        text = s.text
        lists = [m.span(1) for cue in DATASET_LISTS for m in cue.finditer(text)]
        if not lists:
            return
        for c in cands.values():
            if c.rule in ("coined-name", "acronym") and not c.proposed_by:
                if any(si == i and any(a <= x < b for a, b in lists) for si, x, _ in c.spans):
                    c.type = "Dataset"
        for a, b in lists:
            # each listed item is a dataset name, "A/B" naming two ("WHAM!/WHAMR!")
            chunk, pos, pieces = text[a:b], 0, []
            for sep in re.finditer(r"\s*(?:,|/|\band\b|\bor\b)\s*", chunk):
                pieces.append((pos, sep.start()))
                pos = sep.end()
            pieces.append((pos, len(chunk)))
            for x, y in pieces:
                item = re.sub(r"^the\s+", "", chunk[x:y].strip())
                start = a + x + chunk[x:y].find(item)
                if not item or not item[0].isupper() or len(item.split()) > 3:
                    continue
                if self._find(cands, item) is not None or any(
                        si == i and x <= start and start + len(item) <= y for si, x, y in _spans(cands)):
                    continue
                term = self.gazetteer.lookup(item)
                if term is not None and term.type != "Dataset":
                    continue
                self._add(cands, term.name if term else item, "Dataset", "lexicon" if term else "dataset-list", i,
                          (start, start + len(item)), alias=item)
                # a name read inside the item ("RobotCar" in "Oxford RobotCar") was only part of it
                _drop_parts(cands, i, start, start + len(item), ("coined-name", "acronym"))

    def _task_lists(self, s: Sentence, i: int, cands) -> None:
        """"on language modeling, genomics and time series tasks": listed problems are Tasks."""
        text = s.text
        for m in TASK_LIST.finditer(text):
            items = re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group(1))
            pos = m.start(1)
            for item in items:
                words = _strip_generic(item.split())
                start = text.find(item, pos)
                pos = max(pos, start + len(item))
                if not words or len(words) > 4 or any(_generic(w) for w in words):
                    continue
                name = " ".join(words)
                if name_key(name) in VAGUE or not name[0].isalpha() or any(c.isdigit() for c in name):
                    continue
                a = text.find(name, start)
                term = self.gazetteer.lookup(name)
                if term is not None and term.type != "Task" or term is None and len(words) < 2:
                    continue  # one unknown word ("vision", "perception") is a field, not a task
                found = self._find(cands, name)
                if found is not None and found.type != "Task":
                    continue
                self._add(cands, term.name if term else name, "Task", "lexicon" if term else "task-list", i,
                          (a, a + len(name)), alias=name)

    def _bare_tasks(self, s: Sentence, i: int, cands, domain: Callable[[], str | None]) -> None:
        """A bare task word ("detection") gets the field's full name when the paper's
        domain makes it clear, as SCHEMA.md asks ("object detection" in a vision paper)."""
        if not any(word in s.text.lower() for word in BARE_TASK_WORDS):
            return
        full_names = BARE_TASKS.get(domain() or "", {})
        if not full_names:
            return
        taken = [(a, b) for c in cands.values() for si, a, b in c.spans if si == i]
        for m in re.finditer(r"\b(" + "|".join(full_names) + r")\b", s.text, re.I):
            if any(a <= m.start() < b for a, b in taken):
                continue
            before = s.text[: m.start()].rstrip()
            after = s.text[m.end():].lstrip()
            if not (re.search(r"(?:^|[(,;:]|\b(?:and|or|e\.g\.,?|for|in|on|of|as|including|like))$", before)
                    and re.match(r"(?:$|[,.;:)]|(?:and|or|tasks?)\b)", after)):
                continue
            full = full_names[m.group(1).lower()]
            term = self.gazetteer.lookup(full)
            if term is not None:
                self._add(cands, term.name, "Task", "bare-task", i, (m.start(), m.end()), alias=m.group(1))

    def _title_phrase(self, title: str, cands) -> None:
        """"Stacked Tensor Networks for PDE Solving": a title that opens with a new descriptive
        method name before "for" / "with" / "via" proposes it."""
        all_words = title.split()
        cut = next((k for k, w in enumerate(all_words) if w.lower() in STOPWORDS), len(all_words))
        if not 2 <= cut <= 5 or cut == len(all_words) or all_words[cut].lower() not in TITLE_LINKS:
            return
        words = all_words[:cut]
        phrase = " ".join(words)
        last = words[-1].lower()
        known_last = self.gazetteer.lookup(words[-1])
        if len(words) < 2 or last.rstrip("s") not in METHOD_HEAD_STEMS and not (
                known_last is not None and known_last.type == "Method"):
            return  # "Dynamic Perceiver for ...": a modifier on a known model names a new one
        if words[0].lower() in STOPWORDS or words[0].lower() in {"towards", "toward", "on", "rethinking", "revisiting", "learning", "understanding", "exploring", "improving"}:
            return
        if self.gazetteer.lookup(phrase) is not None or name_key(phrase) in VAGUE:
            return
        name = _singular(phrase)
        cand = self._find(cands, name) or self._add(cands, name, "Method", "title-phrase", 0, (0, len(phrase)), alias=phrase)
        if cand.type == "Method" and not cand.proposed_by:
            cand.proposed_by, cand.proposed_sentence = "title-phrase", 0
        _drop_parts(cands, 0, 0, len(phrase), ("lexicon",))  # the known name was only part of the new one

    def _known_names(self, s: Sentence, i: int, cands) -> None:
        """Names this paper introduced (in its title or a definition) found again in the text,
        so "Spiking LatticeNet" is read whole and not as the LatticeNet inside it."""
        if s.is_title:
            return
        for c in list(cands.values()):
            if c.rule not in ("title-name", "abbreviation", "title-phrase") or " " not in c.name:
                continue
            for m in re.finditer(re.escape(c.name), s.text):
                if (i, m.start(), m.end()) not in c.spans:
                    c.spans.append((i, m.start(), m.end()))

    def _coined(self, s: Sentence, i: int, cands, abbrevs) -> None:
        for m in _NAME_TOKEN.finditer(s.text):
            word = m.group().rstrip(".-")
            if word.islower() or not _is_coined(word) or word in NOT_NAMES or word.rstrip("s") in NOT_NAMES or AFFIX_WORDS.search(word):
                continue
            if _inside_url(s.text, m.start()):
                continue
            suffix = NAME_SUFFIX.match(s.text, m.start() + len(word))
            if suffix:
                word = word + suffix.group()  # "RT-X Net", "Gamba Cell"
            wstart, wend = m.start(), m.start() + len(word)
            if any(si == i and a <= wstart and wend <= b and (a, b) != (wstart, wend) for si, a, b in _spans(cands)):
                continue  # part of a longer name found already ("Town05" in "Town05 Long")
            if self._find(cands, word) is not None:
                self._add(cands, word, "Method", "coined-name", i, (m.start(), m.start() + len(word)))
                continue
            if re.fullmatch(r"[A-Z]{1,2}\d*|\d+[A-Za-z]{0,2}|[A-Z]\d+[a-z]?|\d+(?:\.\d+)?[xX%]?", word):
                continue
            if re.fullmatch(r"\d+[A-Za-z]+|[A-Za-z]+\d+[KMB]?", word) and any(c.isdigit() for c in word[:1]):
                continue
            term = self.gazetteer.lookup(word)
            if term is not None:
                continue
            rule = "acronym" if word.isupper() else "coined-name"
            type_ = "Method"
            after = s.text[m.end(): m.end() + 30].lower()
            if re.match(r"\s*(?:dataset|benchmark|corpus)\b", after):
                type_ = "Dataset"
            self._add(cands, word, type_, rule, i, (wstart, wend))

    def _head_nouns(self, s: Sentence, i: int, cands) -> None:
        """Descriptive names: up to three content modifiers before a task, method or dataset head."""
        toks = tokens(s.text)
        words = [s.text[a:b] for a, b in toks]
        for j, w in enumerate(words):
            type_ = _head_type(w)
            if type_ is None:
                continue
            k = j
            while k > 0 and j - k < 3:
                prev = words[k - 1]
                gap = s.text[toks[k - 1][1]: toks[k][0]]
                low = prev.lower()
                if gap not in (" ", "-") or not prev[0].isalpha():
                    break
                if gap == " " and (low in GENERIC_MODIFIERS or low in STOPWORDS):
                    break
                if low.endswith("ly") or (type_ == "Task" and low.endswith("ed") and "-" not in low):
                    break  # "reported ASD diagnosis": a participle is prose, not part of the name
                k -= 1
            if k == j:
                continue
            start, end = toks[k][0], toks[j][1]
            short_end = end
            if type_ == "Method" and j + 1 < len(words) and words[j + 1].lower() in TRAILING_PARTS \
                    and s.text[end:toks[j + 1][0]] == " ":
                end = toks[j + 1][1]  # "neural long-term memory module": keep the part word, alias without it
            if type_ == "Dataset":
                # "the X dataset": the name is X, written with capitals or digits
                while k < j - 1 and not any(c.isupper() or c.isdigit() for c in words[k]):
                    k += 1  # dataset names start at their first capitalised word
                start = toks[k][0]
                name = s.text[start: toks[j - 1][1]]
                if not any(c.isupper() or c.isdigit() for c in words[k]):
                    continue
                if s.is_title and not _is_coined(name.split()[0]):
                    continue  # title case capitalises every word: "High-Dimensional Datasets" is no name
                if self.gazetteer.lookup(name):
                    continue
                self._add(cands, name, "Dataset", "dataset-head", i, (start, toks[j - 1][1]), alias=s.text[start:end])
                continue
            phrase = s.text[start:end]
            overlaps = [(a, b) for (si, a, b) in _spans(cands) if si == i and a < end and start < b]
            if self.gazetteer.lookup(phrase):
                continue
            if overlaps:
                # a capitalised name around a known one ("Gated Self-Attention") is a new name
                inside = all(start < a and b <= end for a, b in overlaps)
                lead = s.text[start:min(a for a, _ in overlaps)].split()
                named = bool(lead) and all(w[:1].isupper() for w in lead)
                novel = bool(NEW_BEFORE.search(s.text[:start]))
                if not (inside and (named or novel) and not s.is_title and start > 0):
                    continue
            name = _singular(phrase) if type_ == "Method" else phrase
            if name_key(name) in VAGUE:
                continue
            if end != short_end:
                self._add(cands, name, type_, "head-noun", i, (start, end), alias=s.text[start:short_end])
                continue
            cand = self._add(cands, name, type_, "head-noun", i, (start, end), alias=phrase)
            # "load balancing and load concentration losses": the first conjunct shares the head
            elided = re.search(r"(?:^|[\s(,])((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s+and\s+$", s.text[:start])
            if elided:
                conjunct = elided.group(1).split()
                first = _strip_generic(conjunct)
                novel = any(w in ("new", "novel") for w in conjunct[: len(conjunct) - len(first)])
                if first and not any(_generic(w) for w in first):
                    other = " ".join(first + [_singular(words[j]).lower() if type_ == "Method" else words[j].lower()])
                    twin = self._add(cands, other, type_, "head-noun", i, (elided.end(1) - len(" ".join(first)), elided.end(1)))
                    if novel or NEW_BEFORE.search(s.text[: elided.start(1)]):
                        for c in (twin, cand):
                            c.proposed_by = c.proposed_by or "novel-phrase"
                            c.proposed_sentence = i

    def _proposals(self, s: Sentence, i: int, cands) -> None:
        text = s.text

        def mark(cand: Candidate, rule: str) -> None:
            if not cand.proposed_by and cand.type in ("Method", "Dataset"):
                cand.proposed_by, cand.proposed_sentence = rule, i

        for m in NAMING_CUE.finditer(text):
            nm = _NAME_TOKEN.match(text, m.end()) or re.match(r"[\"“'`]+([^\"”'`]{2,40})[\"”'`]+", text[m.end():])
            if nm:
                name = _clean_name(nm.group(1) if nm.re.groups else nm.group())
                if name and name not in NOT_NAMES and (name[0].isupper() or _is_coined(name)):
                    mark(self._find(cands, name) or self._add(cands, name, "Method", "naming-cue", i), "naming-cue")
        if not (PROPOSE_CUE.possible(text) or NOVEL_CUE.possible(text) or COMPONENT_CUE.possible(text)):
            return  # no cue below can fire ("namely" needs a propose cue, "our proposed" a novel cue)
        here = sorted(
            ((a, b, c) for c in cands.values() for si, a, b in c.spans if si == i and c.type in ("Method", "Dataset")),
            key=lambda t: t[0],
        )
        def mark_chain(items, rule):
            """Mark the first item, then those coordinated with it ("X and Y", "X, Y and Z")
            or set in apposition ("a new model, X,")."""
            mark(items[0][2], rule)
            last_end = items[0][1]
            for a, b, c in items[1:]:
                if a < last_end:
                    continue
                gap = text[last_end:a]
                if c.rule == "lexicon" and re.search(r"\b(?:an?|the)\s*$", gap):
                    break  # "X, a GHN": the apposition names the class X belongs to
                if re.fullmatch(r"\s*(?:,|and|,\s*and|or|\(|,\s*(?:namely|i\.e\.,?|called|dubbed)|namely)\s*(?:an?\s+|the\s+)?(?:new\s+|novel\s+)?", gap) or re.fullmatch(r"\)?\s*,?\s*(?:an?|the)?\s*", gap):
                    mark(c, rule)
                    last_end = b
                else:
                    break

        for m in PROPOSE_CUE.finditer(text):
            # the first new name after the cue, then names coordinated with it
            # ("X and Y", "X, Y and Z") or set in apposition ("a new model, X,")
            stop = re.search(r"[.;:]|\b(?:which|that|to|where|while|whose|by|using|with|from|against|based|built|inspired|on|of|in|for|via|through|over)\b", text[m.end():])
            clause_end = m.end() + (stop.start() if stop else len(text) - m.end())
            if NAMING_CUE.search(text, m.end()) and NAMING_CUE.search(text, m.end()).start() < len(text):
                named_at = NAMING_CUE.search(text, m.end()).start()
                if not any(m.end() <= t[0] < named_at and t[2].rule in ("coined-name", "title-name") for t in here):
                    continue  # "we propose a new strategy ... called X": X is what is proposed
            after = [t for t in here if m.end() <= t[0] < clause_end]
            new = [t for t in after if t[2].rule != "lexicon" or NEW_BEFORE.search(text[max(0, t[0] - 12): t[0]])]
            if not new:
                continue
            mark_chain(new, "propose-cue")
        for m in NAMELY.finditer(text):
            if PROPOSE_CUE.search(text[: m.start()]):
                for a, b, c in here:
                    if a >= m.end() and c.rule != "lexicon":
                        mark(c, "propose-cue")
        for m in NOVEL_CUE.finditer(text):
            nxt = [t for t in here if m.end() <= t[0] <= m.end() + 25 and t[2].rule != "lexicon"
                   and re.fullmatch(r"(?:[\w-]+\s+)?", text[m.end():t[0]])]
            if nxt:
                mark_chain([t for t in here if t[0] >= nxt[0][0]], "novel-phrase")
        for m in COMPONENT_CUE.finditer(text):
            # "X, which consists of A and B": named parts of a proposed method are new too
            if any(c.proposed_by and a < m.start() for a, _, c in here):
                for a, b, c in here:
                    if a >= m.end() and c.rule != "lexicon" and c.type == "Method":
                        mark(c, "component-cue")
        for m in OUR_PROPOSED.finditer(text):
            # "our proposed model, DeepLabv3+," names what the paper proposes
            for a, b, c in here:
                gap = text[m.end():a]
                if m.end() < a <= m.end() + 30 and re.fullmatch(r"(?:\s+[a-z]+){0,2},?\s+", gap) \
                        and not any(w in STOPWORDS for w in gap.replace(",", " ").split()):
                    mark(c, "proposed-ref")
                    break

    def _merge_variants(self, cands) -> None:
        """"deepfake media detection" and "deepfake detection", or "neural memory" and "neural
        long-term memory", in one paper are one thing: a descriptive phrase one word longer or
        shorter than another name of the same type, with the same head, becomes its alias."""
        for key, c in list(cands.items()):
            if c.type not in ("Task", "Method") or c.rule not in ("head-noun", "qualified-task"):
                continue
            words = c.name.lower().split()
            for k in cands.values():
                if k is c or k.type != c.type:
                    continue
                if any(_one_word_apart(words, form.lower().split()) for form in (k.name, *sorted(k.aliases))):
                    k.aliases.add(c.name)
                    k.aliases |= c.aliases
                    k.spans += c.spans
                    k.proposed_by = k.proposed_by or c.proposed_by
                    del cands[key]
                    break

    def _find(self, cands, name: str) -> Candidate | None:
        key = name_key(name)
        if key in cands:
            return cands[key]
        for c in cands.values():
            if key in {name_key(a) for a in c.aliases}:
                return c
        return None

    def _drop_vague(self, cands, has_title: bool) -> None:
        for key in [k for k, c in cands.items() if k in VAGUE or not k or c.name in NOT_NAMES]:
            del cands[key]
        for key in [k for k, c in cands.items() if c.name in GENERIC_TERMS and not c.proposed_by and not _salient(c, has_title)]:
            del cands[key]
        # descriptive phrases are kept only with support: proposed, in the title, repeated,
        # or capitalised like a name ("Gamba Cell")
        for key in [k for k, c in cands.items() if c.rule == "head-noun" and not c.proposed_by and not _supported(c, has_title)]:
            del cands[key]
        self._merge_variants(cands)
        # acronyms seen once with no cue are usually noise (units, metrics, section names)
        for key in [k for k, c in cands.items() if c.rule == "acronym" and not c.proposed_by and not c.compared and len(c.spans) < 2]:
            del cands[key]

    # -- claims ---------------------------------------------------------------------------

    def _paper_claims(self, cands, sents, evidence) -> list[Claim]:
        claims = []
        for c in cands.values():
            conf = RULE_CONFIDENCE.get(c.rule, 0.6)
            first = c.spans[0][0] if c.spans else c.sentence
            if c.proposed_by:
                claims.append(Claim(PAPER, "proposes", c.name, evidence[c.proposed_sentence], c.proposed_by, max(conf, 0.8)))
                if c.type == "Dataset":
                    claims.append(Claim(PAPER, "evaluatesOn", c.name, evidence[first], "dataset/proposed", 0.7))
                continue
            link = kind(c.type).link  # the schema table's paper predicate for the type
            if c.type == "Dataset":  # only a dataset with results on it, not one used to pre-train
                ev = self._dataset_evidence(c, sents)
                if ev is not None:
                    claims.append(Claim(PAPER, link, c.name, evidence[ev[0]], ev[1], conf))
            elif link is not None:
                rule = re.sub(r"(?<!^)(?=[A-Z])", "-", link).lower()  # usesHardware -> uses-hardware
                claims.append(Claim(PAPER, link, c.name, evidence[first], f"{rule}/{c.rule}", conf))
        return claims

    def _dataset_evidence(self, c: Candidate, sents) -> tuple[int, str] | None:
        """The sentence reporting results on the dataset; None if it is only pre-training data."""
        spans = c.spans or [(c.sentence, 0, 0)]
        pretrain_only = True
        for si, a, _ in spans:
            text = sents[si].text
            if not PRETRAIN_ONLY.search(text[:a]):
                pretrain_only = False
            if EVAL_CUE.search(text) and not PRETRAIN_ONLY.search(text[:a]):
                return si, "evaluates-on/result-cue"
        if pretrain_only and spans[0][2]:
            return None
        return spans[0][0], "evaluates-on/mention"

    def _method_claims(self, cands, sents, evidence) -> list[Claim]:
        methods = [c for c in cands.values() if c.type == "Method"]
        proposed = [c for c in methods if c.proposed_by]
        main = min(proposed, key=lambda c: (c.rule != "title-name", c.proposed_sentence), default=None)
        claims: list[Claim] = []
        seen: set[tuple[str, str, str]] = set()

        def claim(subj, pred, obj, i, rule, conf):
            if subj is None or obj is subj or (pred == "outperforms" and obj.proposed_by and not subj.proposed_by):
                return
            if pred == "outperforms" and obj.proposed_by and subj.proposed_by and obj is main:
                return
            key = (subj.name, pred, obj.name)
            if key not in seen:
                seen.add(key)
                claims.append(Claim(subj.name, pred, obj.name, evidence[i], rule, conf))

        in_sentence: dict[int, list] = {}
        for c in methods:
            for si, a, b in c.spans:
                in_sentence.setdefault(si, []).append((a, b, c))
        for i, s in enumerate(sents):
            if s.is_title or i not in in_sentence:
                continue  # every claim needs a method named in the sentence as its object
            text = s.text
            spans = sorted(in_sentence[i], key=lambda t: t[0])
            own = [t for t in spans if t[2].proposed_by]

            def subject_before(pos):
                before = [t for t in spans if t[1] <= pos]
                mine = [t for t in before if t[2].proposed_by]
                if mine:
                    return mine[-1][2]
                if before:
                    return before[0][2]
                if re.search(r"\b(?:our|we|it|they|the proposed|this (?:model|method|approach|network))\b", text[:pos], re.I):
                    return own[0][2] if own else main
                return None

            def objects(from_pos):
                stop = re.search(r"[;]|\b(?:while|whereas|but|which|and (?:achiev|yield|reduc|improv|obtain)\w*)\b", text[from_pos:])
                limit = from_pos + stop.start() if stop else len(text)
                return [t[2] for t in spans if from_pos <= t[0] < limit]

            def coordinated(from_pos):
                """The first method after from_pos and those joined to it by "and" or commas."""
                after = [t for t in spans if t[0] >= from_pos]
                if not after:
                    return []
                chain = [after[0]]
                for t in after[1:]:
                    if not re.fullmatch(r"\s*(?:\([^)]*\))?\s*(?:,|and|or|,\s*and|,\s*or)\s*(?:the\s+)?", text[chain[-1][1]:t[0]]):
                        break
                    chain.append(t)
                return [t[2] for t in chain]

            for m in WIN_CUE.finditer(text):
                if NEGATION.search(text[max(0, m.start() - 60): m.start()]):
                    continue
                subj = subject_before(m.start())
                for obj in objects(m.end()):
                    claim(subj, "outperforms", obj, i, "outperforms/cue", 0.75)
            if GAIN_CUE.search(text) and not HEDGE.search(text):
                for m in COMPARE_CUE.finditer(text):
                    subj = subject_before(m.start()) if not own else own[0][2]
                    if subj is not None and subj.proposed_by:
                        for obj in objects(m.end())[:3]:
                            claim(subj, "outperforms", obj, i, "outperforms/compared-gain", 0.6)
            for m in EXTEND_CUE.finditer(text):
                if NEGATION.search(text[max(0, m.start() - 60): m.start()]):
                    continue
                if not text[: m.start()].strip():
                    # "Based on X and Y, we introduce Z": Z extends X and Y
                    comma = text.find(",", m.end())
                    if comma < 0:
                        continue
                    targets = [t[2] for t in spans if m.end() <= t[0] < comma]
                    later = [t[2] for t in spans if t[0] > comma and t[2].proposed_by]
                    subj = later[0] if later else main
                    for obj in targets:
                        claim(subj, "extends", obj, i, "extends/sentence-initial", 0.65)
                    continue
                subj = subject_before(m.start())
                if subj is None or not subj.proposed_by and subj.rule == "lexicon":
                    continue  # a known method's own lineage is background, not this paper's claim
                for obj in coordinated(m.end()):
                    claim(subj, "extends", obj, i, "extends/cue", 0.7)
        self._compositional_extends(methods, sents, claim)
        return claims

    def _compositional_extends(self, methods, sents, claim) -> None:
        """A new name built on a known one extends it: "Spiking Self-Attention" extends
        self-attention, "MossFormer2" extends MossFormer; a size variant ("Swin-B") does not."""
        for c in methods:
            if c.rule == "lexicon" and not c.proposed_by:
                continue
            if c.rule == "lexicon":
                continue
            found = [
                (len(base), o, rel)
                for o in methods if o is not c
                for n in (c.name, *sorted(c.aliases))
                for base, rel in [_built_on(n, o)] if rel
            ]
            if found:
                _, o, rel = max(found, key=lambda t: t[0])
                i = c.proposed_sentence if c.proposed_by else (c.spans[0][0] if c.spans else c.sentence)
                claim(c, "extends", o, max(i, 0), rel, 0.6)


_VERSION_SUFFIX = re.compile(r"^(?:[\s-]?(?:v|V|version\s*)?\d+(?:\.\d+)?|\s?\+\+?|\^?\+)$")


def _built_on(name: str, other: Candidate) -> tuple[str, str | None]:
    """(base name, rule) when `name` is a modifier plus `other`'s name or a new version of it."""
    for base in (other.name, *sorted(a for a in other.aliases if len(a) >= 5)):
        if len(base) < 3 or len(base) >= len(name):
            continue
        low, blow = name.lower(), base.lower()
        if low.endswith(blow) and not low[-len(blow) - 1].isalnum() and len(base.split()) <= len(name.split()):
            prefix = name[: -len(base)].strip(" -")
            if prefix and prefix.lower() not in GENERIC_MODIFIERS and prefix.lower() not in STOPWORDS:
                return base, "extends/modifier-of-known-name"
        if low.startswith(blow) and _VERSION_SUFFIX.match(name[len(base):]):
            return base, "extends/new-version"
    return "", None


BARE_TASKS = {
    "3d": {"classification": "point cloud classification", "detection": "3D object detection",
           "segmentation": "3D semantic segmentation"},
    "vision": {"classification": "image classification", "detection": "object detection",
               "segmentation": "semantic segmentation", "localization": "object localization",
               "tracking": "object tracking", "captioning": "image captioning"},
    "text": {"classification": "text classification", "summarization": "summarization", "translation": "machine translation"},
    "speech": {"recognition": "speech recognition", "separation": "speech separation", "enhancement": "speech enhancement"},
}
BARE_TASK_WORDS = frozenset(word for names in BARE_TASKS.values() for word in names)
_DOMAIN_WORDS = {
    "3d": ("3d", "lidar", "voxel", "voxels"),  # and "point cloud(s)", counted apart as two words
    "vision": ("image", "images", "visual", "vision", "video", "videos", "pixel", "pixels", "camera"),
    "text": ("text", "texts", "textual", "language", "sentence", "sentences", "word", "words", "document",
             "documents", "nlp"),
    "speech": ("speech", "audio", "speaker", "speakers", "acoustic"),
}
_DOMAIN_OF = {word: domain for domain, words in _DOMAIN_WORDS.items() for word in words}
_WORD = re.compile(r"\w+")
_POINT_CLOUD = re.compile(r"\bpoint clouds?\b")


def _domain(text: str) -> str | None:
    """The modality an abstract is about, by counting its words (one pass, no regex alternation)."""
    text = text.lower()
    counts = dict.fromkeys(_DOMAIN_WORDS, 0)
    for word in _WORD.findall(text):
        if word in _DOMAIN_OF:
            counts[_DOMAIN_OF[word]] += 1
    counts["3d"] += len(_POINT_CLOUD.findall(text))
    if counts["3d"] >= 2:
        return "3d"
    best = max(counts, key=counts.get)
    return best if counts[best] >= 2 else None


def _task_modifiers(text: str, start: int) -> int:
    """Start of up to two content words that qualify a task name on its left."""
    pos = start
    for _ in range(2):
        m = re.search(r"(?:^|(?<=[\s(]))([A-Za-z][a-z]*(?:-[A-Za-z][a-z]*)*)\s$", text[:pos])
        if not m:
            break
        word = m.group(1).lower()
        supervision = word in SUPERVISION or (word in ("weakly", "fully") and text[m.end(1):pos].strip() == "supervised")
        if not supervision:
            if word in STOPWORDS or word in GENERIC_MODIFIERS or word in TASK_MODIFIER_STOP or word.endswith("ly"):
                break
            if word.endswith(("ing", "ed")) and "-" not in word:
                break
        pos = m.start(1)
    return pos


# learning set-ups qualify tasks though they look like participles ("weakly supervised
# object localization", "unsupervised domain adaptation")
SUPERVISION = {"supervised", "unsupervised", "self-supervised", "semi-supervised", "weakly-supervised"}


TASK_MODIFIER_STOP = {
    "accurate", "efficient", "robust", "fast", "scalable", "reliable", "precise", "better", "improved", "enhanced",
    "superior", "competitive", "strong", "task", "tasks", "improve", "improves", "boost", "boosts", "perform",
    "performs", "outperforms", "tackle", "tackles", "solve", "solves", "address", "addresses", "study", "studies",
    "applications", "application", "problem", "problems", "methods", "models", "approaches", "networks", "systems",
    "recent", "challenging", "difficult", "various", "downstream", "generic", "diverse", "typical", "classic",
    "several", "both", "effective", "accuracy", "performance", "results", "benchmarks", "datasets",
}


def _similar_names(a: str, b: str) -> bool:
    return fuzz.ratio(name_key(a), name_key(b)) >= 80


def _salient(c: Candidate, has_title: bool) -> bool:
    sentences_seen = {si for si, _, _ in c.spans}
    return (has_title and 0 in sentences_seen) or len(sentences_seen) >= 2


def _one_word_apart(a: list[str], b: list[str]) -> bool:
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(long) == len(short) + 1 and len(short) >= 2 and short[-1] == long[-1] and _subsequence(short, long)


def _generic(word: str) -> bool:
    low = word.lower()
    return low in STOPWORDS or low in GENERIC_MODIFIERS


def _strip_generic(words: list[str]) -> list[str]:
    """Words without their leading function words and vague modifiers ("the previous ...")."""
    k = 0
    while k < len(words) and _generic(words[k]):
        k += 1
    return words[k:]


def _drop_parts(cands: dict, i: int, start: int, end: int, rules: tuple[str, ...]) -> None:
    """Remove candidates found only inside [start, end) of sentence i: parts of a longer name."""
    for key, c in list(cands.items()):
        if c.rule in rules and c.spans and all(
                si == i and start <= a and b <= end and (a, b) != (start, end) for si, a, b in c.spans):
            del cands[key]


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


def _supported(c: Candidate, has_title: bool) -> bool:
    sentences_seen = {si for si, _, _ in c.spans}
    in_title = has_title and 0 in sentences_seen
    if in_title and c.type == "Task":
        return True
    if len(sentences_seen) >= 2:
        return True
    # capitals mark a name in running text, not in a title-cased title
    return not in_title and any(w[:1].isupper() for w in c.name.split()[1:])


def _inside_url(text: str, pos: int) -> bool:
    start = text.rfind(" ", 0, pos) + 1
    return "://" in text[start: pos + 1] or text[start:pos].startswith("www.")


def _spans(cands):
    for c in cands.values():
        yield from c.spans


@lru_cache(maxsize=1 << 16)
def _head_type(word: str) -> str | None:
    """The entity type a phrase ending in `word` names ("detection": Task), if any."""
    low = word.lower()
    if low not in TASK_HEADS and low not in METHOD_HEADS and low not in DATASET_HEADS:
        low = _singular(low)  # "losses" -> "loss"
    if low in TASK_HEADS:
        return "Task"
    if low in METHOD_HEADS:
        return "Method"
    if low in DATASET_HEADS:
        return "Dataset"
    return None


@lru_cache(maxsize=1 << 14)
def _singular(phrase: str) -> str:
    words = phrase.split(" ")
    last = words[-1]
    if last.endswith(("sses", "xes", "ches", "shes")):
        last = last[:-2]
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    return " ".join(words[:-1] + [last])
