<?php
// send-email: sends one message with PHPMailer over SMTP and returns its Message-ID.

use PHPMailer\PHPMailer\PHPMailer;

function handle(array $payload, array $context): array
{
    $autoload = getenv('PHPMAILER_AUTOLOAD') ?: '/usr/share/php/libphp-phpmailer/autoload.php';
    if (!is_file($autoload)) {
        throw new RuntimeException("PHPMailer is not installed ($autoload); on Debian: apt-get install libphp-phpmailer");
    }
    require_once $autoload;

    $mail = new PHPMailer(true); // true: failures throw PHPMailer\PHPMailer\Exception
    $mail->isSMTP();
    $mail->Host = getenv('SMTP_HOST') ?: '127.0.0.1';
    $mail->Port = (int) (getenv('SMTP_PORT') ?: 25);
    $password = getenv('SMTP_PASSWORD');
    if ($password !== false && $password !== '') {
        $mail->SMTPAuth = true;
        $mail->Username = getenv('SMTP_USER') ?: 'orchestrator';
        $mail->Password = $password;
    }
    $mail->SMTPAutoTLS = false;
    $mail->CharSet = PHPMailer::CHARSET_UTF8;
    $mail->setFrom(getenv('MAIL_FROM') ?: 'noreply@localhost', 'Orchestrator');
    $mail->addAddress($payload['to'], $payload['name'] ?? '');
    $mail->Subject = $payload['subject'] ?? '(no subject)';
    $mail->Body = $payload['body'] ?? '';
    $mail->send();

    echo "sent to {$payload['to']} via {$mail->Host}:{$mail->Port}\n"; // the step's log
    return ['messageId' => $mail->getLastMessageID(), 'to' => $payload['to']];
}
