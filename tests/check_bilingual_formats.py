#!/usr/bin/python3
"""Checks that the English and Chinese formats of every bilingual printf-style call in a C
file take the same conversions in the same order (the compiler checks only the first format).

usage: check_bilingual_formats.py FILE.c FUNCTION...   exit 0 when every pair matches"""
import re, sys
src = open(sys.argv[1]).read()
spec = re.compile(r'%[-+ #0]*(\d+|\*)?(\.(\d+|\*))?(ll|l|z|h|hh|j|t|L)?([diouxXeEfgGaAcspn%])')
def lits(s, i):
    parts = []
    while True:
        while s[i] in ' \n\t': i += 1
        if s[i] != '"': return ''.join(parts), i
        j = i + 1; buf = []
        while s[j] != '"':
            if s[j] == '\\': buf.append(s[j:j+2]); j += 2
            else: buf.append(s[j]); j += 1
        parts.append(''.join(buf)); i = j + 1
bad = 0
for name in sys.argv[2:]:
    for m in re.finditer(r'\b' + name + r'\(', src):
        i = m.end()
        en, i = lits(src, i)
        if not en: continue
        while src[i] in ' \n\t,': i += 1
        zh, i = lits(src, i)
        ce = [(x.group(4) or '') + x.group(5) for x in spec.finditer(en) if x.group(5) != '%']
        cz = [(x.group(4) or '') + x.group(5) for x in spec.finditer(zh) if x.group(5) != '%']
        if ce != cz:
            bad += 1
            line = src[:m.start()].count('\n') + 1
            print(f"{sys.argv[1]}:{line}: en {ce} != zh {cz}")
print("checked; mismatches:", bad)
sys.exit(1 if bad else 0)
