<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ClientFlow</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="119"/>
        <source>This code has expired. Please ask at reception for a new one.</source>
        <translation>Dieser Code ist abgelaufen. Bitte fragen Sie am Empfang nach einem neuen Code.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="122"/>
        <source>This code has already been used. Please ask at reception for a new one.</source>
        <translation>Dieser Code wurde bereits verwendet. Bitte fragen Sie am Empfang nach einem neuen Code.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="125"/>
        <source>That code did not work. Please check the 6 digits and try again.</source>
        <translation>Dieser Code hat nicht funktioniert. Bitte prüfen Sie die 6 Ziffern und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="128"/>
        <source>This questionnaire cannot be shown right now. Please ask at reception.</source>
        <translation>Dieser Fragebogen kann gerade nicht angezeigt werden. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="132"/>
        <source>Something went wrong. Please ask at reception for help.</source>
        <translation>Etwas hat nicht geklappt. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="210"/>
        <source>Your comment</source>
        <translation>Ihr Kommentar</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="256"/>
        <source>Not saved — your answers are kept on screen. Please tell the reception.</source>
        <translation>Nicht gespeichert – Ihre Antworten bleiben auf dem Bildschirm. Bitte melden Sie sich am Empfang.</translation>
    </message>
</context>
<context>
    <name>CodePage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="81"/>
        <source>Enter your code</source>
        <translation>Code eingeben</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="82"/>
        <source>Your therapist gave you a code with 6 digits.</source>
        <translation>Sie haben einen Code mit 6 Ziffern erhalten.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="86"/>
        <source>Your code</source>
        <translation>Ihr Code</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="90"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="131"/>
        <source>Please wait a moment. You can try again in %n seconds.</source>
        <translation>
            <numerusform>Bitte warten Sie einen Moment. In %n Sekunde können Sie es erneut versuchen.</numerusform>
            <numerusform>Bitte warten Sie einen Moment. In %n Sekunden können Sie es erneut versuchen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CommentPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="93"/>
        <source>Is there anything else you would like to tell your therapist?</source>
        <translation>Möchten Sie Ihrer Therapeutin oder Ihrem Therapeuten noch etwas mitteilen?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="95"/>
        <source>This is optional. You can also leave it empty.</source>
        <translation>Das ist freiwillig. Sie können das Feld auch leer lassen.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="97"/>
        <source>Your comment (optional)</source>
        <translation>Ihr Kommentar (freiwillig)</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="104"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="105"/>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="118"/>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="133"/>
        <source>%1 of %2 characters used.</source>
        <translation>%1 von %2 Zeichen verwendet.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="138"/>
        <source>Your comment is full (%1 characters). What you type now is not added.</source>
        <translation>Ihr Kommentar ist voll (%1 Zeichen). Was Sie jetzt tippen, wird nicht mehr hinzugefügt.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="118"/>
        <source>Back to review</source>
        <translation>Zurück zur Übersicht</translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="146"/>
        <source>Is this your questionnaire?</source>
        <translation>Ist das Ihr Fragebogen?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="147"/>
        <source>It is for your session with</source>
        <translation>Er gehört zu Ihrer Sitzung bei</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="150"/>
        <source>Session %1</source>
        <translation>Sitzung %1</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="153"/>
        <source>No, this is not mine</source>
        <translation>Nein, das ist nicht meiner</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="154"/>
        <source>Yes, start</source>
        <translation>Ja, beginnen</translation>
    </message>
</context>
<context>
    <name>ExitCorner</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="41"/>
        <source>Staff exit: hold for 3 seconds</source>
        <translation>Ausgang für das Personal: 3 Sekunden gedrückt halten</translation>
    </message>
</context>
<context>
    <name>ExitPinPage</name>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="89"/>
        <source>Too many wrong PINs. Try again in %n seconds.</source>
        <translation>
            <numerusform>Zu viele falsche PINs. Versuchen Sie es in %n Sekunde erneut.</numerusform>
            <numerusform>Zu viele falsche PINs. Versuchen Sie es in %n Sekunden erneut.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="104"/>
        <source>Staff only: leave the kiosk</source>
        <translation>Nur für das Personal: Kiosk verlassen</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="105"/>
        <source>Enter the kiosk exit PIN.</source>
        <translation>Geben Sie die PIN zum Verlassen des Kiosks ein.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="107"/>
        <source>Exit PIN</source>
        <translation>PIN zum Verlassen</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="114"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="147"/>
        <source>That PIN is not right. Please try again.</source>
        <translation>Diese PIN ist nicht richtig. Bitte versuchen Sie es noch einmal.</translation>
    </message>
</context>
<context>
    <name>InstructionPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="41"/>
        <source>Before you start</source>
        <translation>Bevor Sie beginnen</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="45"/>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
</context>
<context>
    <name>ItemPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="71"/>
        <source>Question %1 of %2</source>
        <translation>Frage %1 von %2</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="92"/>
        <source>Tap the line where it fits for you. You can move the mark.</source>
        <translation>Tippen Sie auf die Stelle der Linie, die für Sie passt. Sie können die Markierung verschieben.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="99"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="100"/>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="120"/>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="120"/>
        <source>Back to review</source>
        <translation>Zurück zur Übersicht</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/keypad.py" line="54"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/keypad.py" line="57"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/widgets/keypad.py" line="108"/>
        <source>%n digit(s) entered</source>
        <translation>
            <numerusform>%n Ziffer eingegeben</numerusform>
            <numerusform>%n Ziffern eingegeben</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MiniLine</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="57"/>
        <source>Your mark on the line</source>
        <translation>Ihre Markierung auf der Linie</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="59"/>
        <source>Marked at %1 of 100.</source>
        <translation>Markiert bei %1 von 100.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="69"/>
        <source>Capital letter</source>
        <translation>Großbuchstabe</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="71"/>
        <source>Space</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="74"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>RatingLine</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="185"/>
        <source>Line from “%1” (left) to “%2” (right).</source>
        <translation>Linie von „%1“ (links) bis „%2“ (rechts).</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="188"/>
        <source>Not answered yet. Tap the line, or use the arrow keys.</source>
        <translation>Noch nicht beantwortet. Tippen Sie auf die Linie oder verwenden Sie die Pfeiltasten.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="190"/>
        <source>Marked at %1 of 100.</source>
        <translation>Markiert bei %1 von 100.</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="87"/>
        <source>Please check your answers</source>
        <translation>Bitte prüfen Sie Ihre Antworten</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="88"/>
        <source>Tap “Change” to correct an answer. When everything is right, tap “Send”.</source>
        <translation>Tippen Sie auf „Ändern“, um eine Antwort zu korrigieren. Wenn alles stimmt, tippen Sie auf „Senden“.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="105"/>
        <source>Change</source>
        <translation>Ändern</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="105"/>
        <source>Change: %1</source>
        <translation>Ändern: %1</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="117"/>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="148"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="137"/>
        <source>Not answered</source>
        <translation>Nicht beantwortet</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="148"/>
        <source>Sending…</source>
        <translation>Wird gesendet …</translation>
    </message>
</context>
<context>
    <name>StillThere</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="49"/>
        <source>Are you still there?</source>
        <translation>Sind Sie noch da?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="52"/>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="67"/>
        <source>For your privacy, this questionnaire will close in %n seconds and your answers will be deleted.</source>
        <translation>
            <numerusform>Zum Schutz Ihrer Privatsphäre wird dieser Fragebogen in %n Sekunde geschlossen, und Ihre Antworten werden gelöscht.</numerusform>
            <numerusform>Zum Schutz Ihrer Privatsphäre wird dieser Fragebogen in %n Sekunden geschlossen, und Ihre Antworten werden gelöscht.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThankYouPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="24"/>
        <source>Thank you</source>
        <translation>Vielen Dank</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="26"/>
        <source>Your answers have been sent to your therapist.</source>
        <translation>Ihre Antworten wurden an Ihre Therapeutin oder Ihren Therapeuten gesendet.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="28"/>
        <source>This screen returns to the start in a few seconds.</source>
        <translation>Dieser Bildschirm kehrt in wenigen Sekunden zum Anfang zurück.</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="38"/>
        <source>Welcome. Please tell us how today&apos;s session went for you.</source>
        <translation>Willkommen. Bitte sagen Sie uns, wie die heutige Sitzung für Sie war.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="41"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="58"/>
        <source>Enter your code</source>
        <translation>Code eingeben</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="62"/>
        <source>Your answers are stored securely and go to your therapist.</source>
        <translation>Ihre Antworten werden sicher gespeichert und gehen an Ihre Therapeutin oder Ihren Therapeuten.</translation>
    </message>
</context>
</TS>
