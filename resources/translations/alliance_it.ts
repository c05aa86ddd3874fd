<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>ClientFlow</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="119"/>
        <source>This code has expired. Please ask at reception for a new one.</source>
        <translation>Questo codice è scaduto. Chieda per favore un nuovo codice alla reception.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="122"/>
        <source>This code has already been used. Please ask at reception for a new one.</source>
        <translation>Questo codice è già stato usato. Chieda per favore un nuovo codice alla reception.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="125"/>
        <source>That code did not work. Please check the 6 digits and try again.</source>
        <translation>Questo codice non ha funzionato. Controlli per favore le 6 cifre e riprovi.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="128"/>
        <source>This questionnaire cannot be shown right now. Please ask at reception.</source>
        <translation>Questo questionario non può essere mostrato in questo momento. Si rivolga per favore alla reception.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="132"/>
        <source>Something went wrong. Please ask at reception for help.</source>
        <translation>Qualcosa non ha funzionato. Si rivolga per favore alla reception.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="210"/>
        <source>Your comment</source>
        <translation>Il suo commento</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="256"/>
        <source>Not saved — your answers are kept on screen. Please tell the reception.</source>
        <translation>Non salvato — le sue risposte restano sullo schermo. La preghiamo di avvisare la reception.</translation>
    </message>
</context>
<context>
    <name>CodePage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="81"/>
        <source>Enter your code</source>
        <translation>Inserire il codice</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="82"/>
        <source>Your therapist gave you a code with 6 digits.</source>
        <translation>Ha ricevuto un codice di 6 cifre.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="86"/>
        <source>Your code</source>
        <translation>Il suo codice</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="90"/>
        <source>Back</source>
        <translation>Indietro</translation>
    </message>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="131"/>
        <source>Please wait a moment. You can try again in %n seconds.</source>
        <translation>
            <numerusform>Attenda un momento, per favore. Potrà riprovare tra %n secondo.</numerusform>
            <numerusform>Attenda un momento, per favore. Potrà riprovare tra %n secondi.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CommentPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="93"/>
        <source>Is there anything else you would like to tell your therapist?</source>
        <translation>C’è qualcos’altro che vorrebbe dire alla sua terapeuta o al suo terapeuta?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="95"/>
        <source>This is optional. You can also leave it empty.</source>
        <translation>È facoltativo. Può anche lasciare il campo vuoto.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="97"/>
        <source>Your comment (optional)</source>
        <translation>Il suo commento (facoltativo)</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="104"/>
        <source>Back</source>
        <translation>Indietro</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="105"/>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="118"/>
        <source>Next</source>
        <translation>Avanti</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="133"/>
        <source>%1 of %2 characters used.</source>
        <translation>%1 di %2 caratteri usati.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="138"/>
        <source>Your comment is full (%1 characters). What you type now is not added.</source>
        <translation>Il commento è pieno (%1 caratteri). Ciò che scrive ora non viene più aggiunto.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="118"/>
        <source>Back to review</source>
        <translation>Torna al riepilogo</translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="146"/>
        <source>Is this your questionnaire?</source>
        <translation>È il suo questionario?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="147"/>
        <source>It is for your session with</source>
        <translation>Riguarda la sua seduta con</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="150"/>
        <source>Session %1</source>
        <translation>Seduta %1</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="153"/>
        <source>No, this is not mine</source>
        <translation>No, non è il mio</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="154"/>
        <source>Yes, start</source>
        <translation>Sì, iniziare</translation>
    </message>
</context>
<context>
    <name>ExitCorner</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="41"/>
        <source>Staff exit: hold for 3 seconds</source>
        <translation>Uscita per il personale: tenere premuto per 3 secondi</translation>
    </message>
</context>
<context>
    <name>ExitPinPage</name>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="89"/>
        <source>Too many wrong PINs. Try again in %n seconds.</source>
        <translation>
            <numerusform>Troppi PIN errati. Riprovi tra %n secondo.</numerusform>
            <numerusform>Troppi PIN errati. Riprovi tra %n secondi.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="104"/>
        <source>Staff only: leave the kiosk</source>
        <translation>Solo per il personale: uscire dal chiosco</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="105"/>
        <source>Enter the kiosk exit PIN.</source>
        <translation>Inserisca il PIN di uscita dal chiosco.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="107"/>
        <source>Exit PIN</source>
        <translation>PIN di uscita</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="114"/>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="147"/>
        <source>That PIN is not right. Please try again.</source>
        <translation>Questo PIN non è corretto. Riprovi, per favore.</translation>
    </message>
</context>
<context>
    <name>InstructionPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="41"/>
        <source>Before you start</source>
        <translation>Prima di iniziare</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="45"/>
        <source>Continue</source>
        <translation>Continua</translation>
    </message>
</context>
<context>
    <name>ItemPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="71"/>
        <source>Question %1 of %2</source>
        <translation>Domanda %1 di %2</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="92"/>
        <source>Tap the line where it fits for you. You can move the mark.</source>
        <translation>Tocchi la linea nel punto che le corrisponde. Può spostare il segno.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="99"/>
        <source>Back</source>
        <translation>Indietro</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="100"/>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="120"/>
        <source>Next</source>
        <translation>Avanti</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="120"/>
        <source>Back to review</source>
        <translation>Torna al riepilogo</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/keypad.py" line="54"/>
        <source>Delete</source>
        <translation>Cancella</translation>
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
            <numerusform>%n cifra inserita</numerusform>
            <numerusform>%n cifre inserite</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MiniLine</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="57"/>
        <source>Your mark on the line</source>
        <translation>Il suo segno sulla linea</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="59"/>
        <source>Marked at %1 of 100.</source>
        <translation>Segnato a %1 su 100.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="69"/>
        <source>Capital letter</source>
        <translation>Maiuscola</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="71"/>
        <source>Space</source>
        <translation>Spazio</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="74"/>
        <source>Delete</source>
        <translation>Cancella</translation>
    </message>
</context>
<context>
    <name>RatingLine</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="185"/>
        <source>Line from “%1” (left) to “%2” (right).</source>
        <translation>Linea da «%1» (a sinistra) a «%2» (a destra).</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="188"/>
        <source>Not answered yet. Tap the line, or use the arrow keys.</source>
        <translation>Non ancora risposto. Tocchi la linea o usi i tasti freccia.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="190"/>
        <source>Marked at %1 of 100.</source>
        <translation>Segnato a %1 su 100.</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="87"/>
        <source>Please check your answers</source>
        <translation>Controlli per favore le sue risposte</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="88"/>
        <source>Tap “Change” to correct an answer. When everything is right, tap “Send”.</source>
        <translation>Tocchi «Modifica» per correggere una risposta. Quando tutto è giusto, tocchi «Invia».</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="105"/>
        <source>Change</source>
        <translation>Modifica</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="105"/>
        <source>Change: %1</source>
        <translation>Modifica: %1</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="117"/>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="148"/>
        <source>Send</source>
        <translation>Invia</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="137"/>
        <source>Not answered</source>
        <translation>Nessuna risposta</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="148"/>
        <source>Sending…</source>
        <translation>Invio in corso…</translation>
    </message>
</context>
<context>
    <name>StillThere</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="49"/>
        <source>Are you still there?</source>
        <translation>È ancora qui?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="52"/>
        <source>Continue</source>
        <translation>Continua</translation>
    </message>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="67"/>
        <source>For your privacy, this questionnaire will close in %n seconds and your answers will be deleted.</source>
        <translation>
            <numerusform>Per la sua riservatezza, questo questionario si chiuderà tra %n secondo e le sue risposte saranno cancellate.</numerusform>
            <numerusform>Per la sua riservatezza, questo questionario si chiuderà tra %n secondi e le sue risposte saranno cancellate.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThankYouPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="24"/>
        <source>Thank you</source>
        <translation>Grazie</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="26"/>
        <source>Your answers have been sent to your therapist.</source>
        <translation>Le sue risposte sono state inviate alla sua terapeuta o al suo terapeuta.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="28"/>
        <source>This screen returns to the start in a few seconds.</source>
        <translation>Questa schermata tornerà all’inizio tra pochi secondi.</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="38"/>
        <source>Welcome. Please tell us how today&apos;s session went for you.</source>
        <translation>Buongiorno. Ci dica, per favore, com’è andata per lei la seduta di oggi.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="41"/>
        <source>Language</source>
        <translation>Lingua</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="58"/>
        <source>Enter your code</source>
        <translation>Inserire il codice</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="62"/>
        <source>Your answers are stored securely and go to your therapist.</source>
        <translation>Le sue risposte vengono conservate in modo sicuro e vanno alla sua terapeuta o al suo terapeuta.</translation>
    </message>
</context>
</TS>
