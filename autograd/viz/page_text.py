"""Every string a stepper's HTML page shows, one catalogue per language: English (the default)
and Chinese (``?lang=zh``, or a browser that prefers Chinese). The step texts themselves come
from the stepper (``describe``, autograd.viz.step_text).

Messages are templates with ``{name}`` placeholders, the same in both languages
(tests/web/test_i18n.py checks it); the page's script fills them in with text only.
"""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    "en": {
        "first": "« first",
        "first_title": "first frame",
        "back": "‹ back",
        "back_title": "one step back (left arrow)",
        "next": "next ›",
        "next_title": "one step on (right arrow)",
        "last": "last »",
        "last_title": "last frame",
        "slider": "frame",
        "start": "start",
        "step_of": "step {k} of {n}",
        "zoom_out": "zoom out",
        "zoom_in": "zoom in",
        "zoom_fit": "zoom to fit",
        "fit": "fit",
        "key_current": "thick dashed red outline",
        "key_rest": (
            ": the node this step works on; grad ·: a gradient not computed yet; the legend "
            "above each picture names the colours."
        ),
        "frame_label": "the graph at frame {k} (scrolls; + and - zoom)",
        "question": "{step} — what are these gradients after this step?",
        "check": "check",
        "reveal": "show me",
        "reveal_title": "show this step without answering",
        "score": "score: {right} of {total} right at the first try",
        "quiz_key": (
            "Quiz: before each step is shown, give the gradients it computes; an answer counts "
            "when it is {tolerance}. The score counts answers right at the first try."
        ),
        "tolerance": "within 1% of the exact value, or within 0.001 of it",
        "right": "✓ right",
        "try_again": "✗ not yet, try again",
        "not_number": "✗ not a number: type one, such as -1.5, 3/4 or inf",
        "wrong_because": "✗ {why}",
        "it_is": "it is {value}",
    },
    "zh": {
        "first": "« 第一帧",
        "first_title": "第一帧",
        "back": "‹ 上一步",
        "back_title": "后退一步（左方向键）",
        "next": "下一步 ›",
        "next_title": "前进一步（右方向键）",
        "last": "最后 »",
        "last_title": "最后一帧",
        "slider": "帧",
        "start": "开始",
        "step_of": "第 {k} 步，共 {n} 步",
        "zoom_out": "缩小",
        "zoom_in": "放大",
        "zoom_fit": "适合宽度",
        "fit": "适合",
        "key_current": "红色粗虚线框",
        "key_rest": (
            "：这一步处理的节点；grad ·：尚未算出的梯度；每张图上方的图例说明各颜色的含义。"
        ),
        "frame_label": "第 {k} 帧的计算图（可滚动；+ 和 - 缩放）",
        "question": "{step} —— 这一步之后，这些梯度是多少？",
        "check": "检查",
        "reveal": "告诉我",
        "reveal_title": "不作答，直接显示这一步",
        "score": "得分：第一次就答对 {right} 个，共 {total} 个",
        "quiz_key": (
            "测验：每一步显示之前，先填出它算出的梯度；答案{tolerance}即算正确。"
            "得分只计第一次就答对的答案。"
        ),
        "tolerance": "与精确值相差不超过 1%，或不超过 0.001",
        "right": "✓ 正确",
        "try_again": "✗ 还不对，再试一次",
        "not_number": "✗ 不是数字：请输入数字，例如 -1.5、3/4 或 inf",
        "wrong_because": "✗ {why}",
        "it_is": "答案是 {value}",
    },
}
