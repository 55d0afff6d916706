# Writes big.qdpx: a REFI-QDA project of 3,000 selections on one 600,000-character focus group
# (3,000 turns of 200 characters), to time `icamo import qdpx` (BENCHMARKS.md, REFI-QDA import).
import zipfile, random
random.seed(1)
words = "ik werk nu drie dagen in de week bij een bakkerij en daar leer ik de meeste woorden veel meer dan in de klas met collega's 😀 taalcoach gemeente".split()
turns, sels = [], []
pos = 0
text = ""
for i in range(3000):
    who = "Interviewer" if i % 2 == 0 else "Amal"
    body = ""
    while len(body) < 195 - len(who):
        body += random.choice(words) + " "
    body = body.strip() + "."
    line = f"{who}: {body}\n"
    start = len(text) + len(who) + 2 + 3   # a few characters into the turn's text
    q = body[3:40]
    sels.append((start, start + len(q), q))
    text += line
print(len(text))
sx = []
for i, (a, b, q) in enumerate(sels):
    code = "22222222-2222-4222-8222-22222222222%d" % (i % 3)
    sx.append(f'<PlainTextSelection guid="55555555-5555-4555-8555-{i:012d}" name="{q}" startPosition="{a}" endPosition="{b}"><Coding guid="66666666-6666-4666-8666-{i:012d}" creatingUser="11111111-1111-4111-8111-111111111111"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')
codes = "".join(f'<Code guid="22222222-2222-4222-8222-22222222222{k}" name="Code {k}" isCodable="true"/>' for k in range(3))
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Groot">
<Users><User guid="11111111-1111-4111-8111-111111111111" name="Sanne"/></Users>
<CodeBook><Codes>{codes}</Codes></CodeBook>
<Sources><TextSource guid="44444444-4444-4444-8444-444444444444" name="Focusgroep" plainTextPath="internal://44444444-4444-4444-8444-444444444444.txt">{"".join(sx)}</TextSource></Sources>
</Project>'''
with zipfile.ZipFile("big.qdpx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.qde", qde)
    z.writestr("sources/44444444-4444-4444-8444-444444444444.txt", text)
