"""Why a file of the batch failed, in the reviewer's Chinese.

A parse error carries its own Chinese message (``ParseError.chinese()``). The reasons
found while reading inputs (``scorer.batch.discover``: archive members refused, files
over the limit) and the worker's own failures are English one-liners kept for whoever
runs the batch; :func:`chinese_reason` gives the line a budget office reads in the
reports beside them.
"""

from __future__ import annotations

import re

#: (pattern over the English reason, Chinese template using the pattern's groups), in
#: the order tried; each English reason discover.py and worker.py produce has one.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"absolute path in archive", "压缩包内的文件使用了绝对路径，可能是恶意构造的压缩包，未读取"),
    (r"path escapes the archive", "压缩包内的文件路径含“..”，指向压缩包之外，未读取"),
    (r"NUL byte in member name", "压缩包内的文件名含非法字符，未读取"),
    (r"archive inside an archive", "压缩包中的压缩包不会被打开：请先解压，再把文件夹交给批量审核"),
    (r"encrypted", "压缩包内的文件有密码保护：请解除密码后重新打包"),
    (r"expands to (\d+) MB, over the (\d+) MB", r"解压后 \1 MB，超过单个文件 \2 MB 的上限"),
    (r"^(\d+) MB, over the (\d+) MB", r"文件 \1 MB，超过单个文件 \2 MB 的上限"),
    (r"over the (\d+) MB limit", r"超过单个文件 \1 MB 的上限"),
    (r"archive expands past the (\d+) MB limit", r"压缩包解压后超过 \1 MB 的总上限：请拆分成几个压缩包"),
    (r"archive lists (\d+) members, over the limit of (\d+)", r"压缩包内有 \1 个文件，超过 \2 个的上限：请拆分"),
    (r"not a readable \.zip archive", "压缩包已损坏或不是 .zip 文件：请重新打包"),
    (r"cannot read from the archive", "无法从压缩包中读出这个文件：压缩包可能已损坏"),
    (r"file not found", "文件不存在（批量审核期间被移动或删除？）"),
    (r"permission denied", "没有读取这个文件的权限"),
    (r"not a regular file", "这不是普通文件（是管道、设备或套接字），未读取：请放入 .docx/.xlsx 等表格文件"),
    (r"too large or deeply nested", "文件过大或嵌套过深，无法审核"),
    (r"internal error", "审核时程序出错（不是文件的问题）：请把这个文件交给维护人员"),
))


def chinese_reason(reason: str) -> str:
    """The Chinese line for one of the batch's English failure reasons."""
    for pattern, zh in _REASONS:
        match = pattern.search(reason)
        if match:
            return match.expand(zh)
    return "无法审核这个文件"
