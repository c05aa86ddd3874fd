<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CodePage</name>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="131"/>
        <source>Please wait a moment. You can try again in %n seconds.</source>
        <translation>
            <numerusform>Please wait a moment. You can try again in %n second.</numerusform>
            <numerusform>Please wait a moment. You can try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExitPinPage</name>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="89"/>
        <source>Too many wrong PINs. Try again in %n seconds.</source>
        <translation>
            <numerusform>Too many wrong PINs. Try again in %n second.</numerusform>
            <numerusform>Too many wrong PINs. Try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/widgets/keypad.py" line="108"/>
        <source>%n digit(s) entered</source>
        <translation>
            <numerusform>%n digit entered</numerusform>
            <numerusform>%n digits entered</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StillThere</name>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="67"/>
        <source>For your privacy, this questionnaire will close in %n seconds and your answers will be deleted.</source>
        <translation>
            <numerusform>For your privacy, this questionnaire will close in %n second and your answers will be deleted.</numerusform>
            <numerusform>For your privacy, this questionnaire will close in %n seconds and your answers will be deleted.</numerusform>
        </translation>
    </message>
</context>
</TS>
