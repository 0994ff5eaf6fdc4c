"""The words of the backward stepper's text and of the quiz's feedback, one catalogue per
language: English (the text ``describe()`` prints) and Chinese (the pages' ``?lang=zh``).

Each message is a ``str.format`` template; both languages of a message take the same
placeholders (tests/web/test_i18n.py checks it).
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

BACKWARD: dict[str, dict[str, str]] = {
    "en": {
        "start": (
            "start: {defined}. Backward begins at the output: "
            "{root}.grad = d{root}/d{root} = {seed}.\n"
            "Every other gradient shows · until it is computed."
        ),
        "head": "step {k} of {n}: {defined}",
        "hooked": "a hook on {me} changes its gradient: {old} -> {new}",
        "upstream": "upstream gradient: {me}.grad = {grad}",
        "constant": "to {who}: upstream {grad} × local {local} = {passed} (a constant: not needed)",
        "to": "to {who}: ",
        "local": "local {derivative}",
        "product": "upstream {up} × local {local} = {passed}; {total}",
        "first": "{who}.grad = {new}",
        "adds": "{who}.grad: {old} -> {new} (adds up)",
        "neuron_head": (
            "step {k} of {n}: neuron {neuron}, the backward pass's steps {first} to {last} "
            "of {total} at once:"
        ),
        "neuron_one": (
            "step {k} of {n}: neuron {neuron}, the backward pass's step {first} of {total}:"
        ),
        "node_head": "step {k} of {n}: the backward pass's step {first} of {total}:",
        "neuron_grads": "{neuron}'s parameters' gradients now: {grads}",
    },
    "zh": {
        "start": (
            "开始：{defined}。反向传播从输出开始：{root}.grad = d{root}/d{root} = {seed}。\n"
            "其余梯度在算出之前显示为 ·。"
        ),
        "head": "第 {k} 步，共 {n} 步：{defined}",
        "hooked": "{me} 上的钩子改变了它的梯度：{old} -> {new}",
        "upstream": "上游梯度：{me}.grad = {grad}",
        "constant": "传给 {who}：上游 {grad} × 局部 {local} = {passed}（常数：不需要）",
        "to": "传给 {who}：",
        "local": "局部导数 {derivative}",
        "product": "上游 {up} × 局部 {local} = {passed}；{total}",
        "first": "{who}.grad = {new}",
        "adds": "{who}.grad：{old} -> {new}（累加）",
        "neuron_head": (
            "第 {k} 步，共 {n} 步：神经元 {neuron}，一次走完反向传播的第 {first} 到 {last} 步"
            "（共 {total} 步）："
        ),
        "neuron_one": (
            "第 {k} 步，共 {n} 步：神经元 {neuron}，反向传播的第 {first} 步（共 {total} 步）："
        ),
        "node_head": "第 {k} 步，共 {n} 步：反向传播的第 {first} 步（共 {total} 步）：",
        "neuron_grads": "{neuron} 的参数现在的梯度：{grads}",
    },
}

# What a wrong answer at one step most often means (autograd.viz.quiz.typical_mistakes).
MISTAKES: dict[str, dict[str, str]] = {
    "en": {
        "sign": "the sign is wrong (the size is right).",
        "no_local": "the local derivative was left out: the upstream gradient passed on as it is.",
        "no_upstream": (
            "the local derivative is right, but the upstream gradient was not multiplied in."
        ),
        "not_added": (
            "that is this step's share alone: a gradient adds up, so add the {before} it had "
            "already."
        ),
        "replaced": (
            "that is the gradient it had already: this step's share {share} is still to add."
        ),
    },
    "zh": {
        "sign": "符号错了（大小是对的）。",
        "no_local": "漏掉了局部导数：上游梯度被原样传了下去。",
        "no_upstream": "局部导数是对的，但没有乘上上游梯度。",
        "not_added": "这只是这一步贡献的部分：梯度要累加，请加上它原有的 {before}。",
        "replaced": "这是它原有的梯度：这一步的贡献 {share} 还没有加上。",
    },
}


def language(lang: str) -> str:
    """``lang`` if it is a language with a catalogue, else ValueError naming it.

    >>> language("zh")
    'zh'
    >>> language("fr")
    Traceback (most recent call last):
    ...
    ValueError: language: 'fr' is not one of ('en', 'zh')
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language: {str(lang)[:20]!r} is not one of {LANGUAGES}")
    return lang
