<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>ClientFlow</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="119"/>
        <source>This code has expired. Please ask at reception for a new one.</source>
        <translation>Ce code a expiré. Veuillez demander un nouveau code à l’accueil.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="122"/>
        <source>This code has already been used. Please ask at reception for a new one.</source>
        <translation>Ce code a déjà été utilisé. Veuillez demander un nouveau code à l’accueil.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="125"/>
        <source>That code did not work. Please check the 6 digits and try again.</source>
        <translation>Ce code n’a pas fonctionné. Veuillez vérifier les 6 chiffres et réessayer.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="128"/>
        <source>This questionnaire cannot be shown right now. Please ask at reception.</source>
        <translation>Ce questionnaire ne peut pas être affiché pour le moment. Veuillez vous adresser à l’accueil.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="132"/>
        <source>Something went wrong. Please ask at reception for help.</source>
        <translation>Un problème est survenu. Veuillez vous adresser à l’accueil.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="210"/>
        <source>Your comment</source>
        <translation>Votre commentaire</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/flow.py" line="256"/>
        <source>Not saved — your answers are kept on screen. Please tell the reception.</source>
        <translation>Non enregistré — vos réponses restent affichées à l’écran. Veuillez le signaler à l’accueil.</translation>
    </message>
</context>
<context>
    <name>CodePage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="81"/>
        <source>Enter your code</source>
        <translation>Saisir votre code</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="82"/>
        <source>Your therapist gave you a code with 6 digits.</source>
        <translation>Votre thérapeute vous a remis un code à 6 chiffres.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="86"/>
        <source>Your code</source>
        <translation>Votre code</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="90"/>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="131"/>
        <source>Please wait a moment. You can try again in %n seconds.</source>
        <translation>
            <numerusform>Veuillez patienter un instant. Vous pourrez réessayer dans %n seconde.</numerusform>
            <numerusform>Veuillez patienter un instant. Vous pourrez réessayer dans %n secondes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CommentPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="93"/>
        <source>Is there anything else you would like to tell your therapist?</source>
        <translation>Souhaitez-vous dire encore quelque chose à votre thérapeute ?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="95"/>
        <source>This is optional. You can also leave it empty.</source>
        <translation>C’est facultatif. Vous pouvez aussi laisser ce champ vide.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="97"/>
        <source>Your comment (optional)</source>
        <translation>Votre commentaire (facultatif)</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="104"/>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="105"/>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="118"/>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="133"/>
        <source>%1 of %2 characters used.</source>
        <translation>%1 caractères utilisés sur %2.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="138"/>
        <source>Your comment is full (%1 characters). What you type now is not added.</source>
        <translation>Votre commentaire est plein (%1 caractères). Ce que vous tapez maintenant n’est plus ajouté.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/comment.py" line="118"/>
        <source>Back to review</source>
        <translation>Retour au récapitulatif</translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="146"/>
        <source>Is this your questionnaire?</source>
        <translation>Est-ce bien votre questionnaire ?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="147"/>
        <source>It is for your session with</source>
        <translation>Il concerne votre séance avec</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="150"/>
        <source>Session %1</source>
        <translation>Séance %1</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="153"/>
        <source>No, this is not mine</source>
        <translation>Non, ce n’est pas le mien</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="154"/>
        <source>Yes, start</source>
        <translation>Oui, commencer</translation>
    </message>
</context>
<context>
    <name>ExitCorner</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="41"/>
        <source>Staff exit: hold for 3 seconds</source>
        <translation>Sortie réservée au personnel : maintenir appuyé 3 secondes</translation>
    </message>
</context>
<context>
    <name>ExitPinPage</name>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="89"/>
        <source>Too many wrong PINs. Try again in %n seconds.</source>
        <translation>
            <numerusform>Trop de PIN erronés. Réessayez dans %n seconde.</numerusform>
            <numerusform>Trop de PIN erronés. Réessayez dans %n secondes.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="104"/>
        <source>Staff only: leave the kiosk</source>
        <translation>Réservé au personnel : quitter le kiosque</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="105"/>
        <source>Enter the kiosk exit PIN.</source>
        <translation>Saisissez le PIN de sortie du kiosque.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="107"/>
        <source>Exit PIN</source>
        <translation>PIN de sortie</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="114"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/exit.py" line="147"/>
        <source>That PIN is not right. Please try again.</source>
        <translation>Ce PIN n’est pas correct. Veuillez réessayer.</translation>
    </message>
</context>
<context>
    <name>InstructionPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="41"/>
        <source>Before you start</source>
        <translation>Avant de commencer</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="45"/>
        <source>Continue</source>
        <translation>Continuer</translation>
    </message>
</context>
<context>
    <name>ItemPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="71"/>
        <source>Question %1 of %2</source>
        <translation>Question %1 sur %2</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="92"/>
        <source>Tap the line where it fits for you. You can move the mark.</source>
        <translation>Touchez la ligne à l’endroit qui vous correspond. Vous pouvez déplacer la marque.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="99"/>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="100"/>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="120"/>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_items.py" line="120"/>
        <source>Back to review</source>
        <translation>Retour au récapitulatif</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/keypad.py" line="54"/>
        <source>Delete</source>
        <translation>Effacer</translation>
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
            <numerusform>%n chiffre saisi</numerusform>
            <numerusform>%n chiffres saisis</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MiniLine</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="57"/>
        <source>Your mark on the line</source>
        <translation>Votre marque sur la ligne</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="59"/>
        <source>Marked at %1 of 100.</source>
        <translation>Marqué à %1 sur 100.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="69"/>
        <source>Capital letter</source>
        <translation>Majuscule</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="71"/>
        <source>Space</source>
        <translation>Espace</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/onscreen_keyboard.py" line="74"/>
        <source>Delete</source>
        <translation>Effacer</translation>
    </message>
</context>
<context>
    <name>RatingLine</name>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="185"/>
        <source>Line from “%1” (left) to “%2” (right).</source>
        <translation>Ligne de « %1 » (à gauche) à « %2 » (à droite).</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="188"/>
        <source>Not answered yet. Tap the line, or use the arrow keys.</source>
        <translation>Pas encore de réponse. Touchez la ligne ou utilisez les touches fléchées.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/widgets/rating_line.py" line="190"/>
        <source>Marked at %1 of 100.</source>
        <translation>Marqué à %1 sur 100.</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="87"/>
        <source>Please check your answers</source>
        <translation>Veuillez vérifier vos réponses</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="88"/>
        <source>Tap “Change” to correct an answer. When everything is right, tap “Send”.</source>
        <translation>Touchez « Modifier » pour corriger une réponse. Quand tout est juste, touchez « Envoyer ».</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="105"/>
        <source>Change</source>
        <translation>Modifier</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="105"/>
        <source>Change: %1</source>
        <translation>Modifier : %1</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="117"/>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="148"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="137"/>
        <source>Not answered</source>
        <translation>Sans réponse</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/review.py" line="148"/>
        <source>Sending…</source>
        <translation>Envoi en cours…</translation>
    </message>
</context>
<context>
    <name>StillThere</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="49"/>
        <source>Are you still there?</source>
        <translation>Êtes-vous toujours là ?</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="52"/>
        <source>Continue</source>
        <translation>Continuer</translation>
    </message>
    <message numerus="yes">
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="67"/>
        <source>For your privacy, this questionnaire will close in %n seconds and your answers will be deleted.</source>
        <translation>
            <numerusform>Pour protéger votre vie privée, ce questionnaire se fermera dans %n seconde et vos réponses seront effacées.</numerusform>
            <numerusform>Pour protéger votre vie privée, ce questionnaire se fermera dans %n secondes et vos réponses seront effacées.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThankYouPage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="24"/>
        <source>Thank you</source>
        <translation>Merci</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="26"/>
        <source>Your answers have been sent to your therapist.</source>
        <translation>Vos réponses ont été envoyées à votre thérapeute.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_end.py" line="28"/>
        <source>This screen returns to the start in a few seconds.</source>
        <translation>Cet écran reviendra au début dans quelques secondes.</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="38"/>
        <source>Welcome. Please tell us how today&apos;s session went for you.</source>
        <translation>Bienvenue. Veuillez nous dire comment s’est passée votre séance d’aujourd’hui.</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="41"/>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="58"/>
        <source>Enter your code</source>
        <translation>Saisir votre code</translation>
    </message>
    <message>
        <location filename="../../alliance_desktop/ui/kiosk/pages_start.py" line="62"/>
        <source>Your answers are stored securely and go to your therapist.</source>
        <translation>Vos réponses sont enregistrées de manière sécurisée et transmises à votre thérapeute.</translation>
    </message>
</context>
</TS>
