<?php
// The certificate page of certs/pdf rendered by TCPDF (the engine of
// Moodle's certificates), for compare.sh: A4 landscape, double border,
// French and Arabic lines side by side, a Latin and an Arabic name, course
// titles, dates, the grouped code, the URL, a QR code, a signature block.
// TCPDF shapes Arabic and applies bidi itself (setRTL per Arabic block).
// Usage: php cert.php N OUT.pdf  -> prints "renders=N ms_per_render=… bytes=…"
require_once '/usr/share/php/tcpdf/tcpdf.php';

$n = isset($argv[1]) ? (int)$argv[1] : 20;
$out = isset($argv[2]) ? $argv[2] : '/tmp/tcpdf-cert.pdf';
$url = 'https://certificats.example.ma/verify/P2FMTMMQK7XWD4BZ3LNA6YHC5E';

function line($pdf, $font, $style, $size, $text, $x, $y, $w, $rtl, $align = 'C') {
    $pdf->setRTL($rtl);
    $pdf->SetFont($font, $style, $size);
    // In RTL mode TCPDF measures x from the right edge.
    $pdf->SetXY($rtl ? 297 - $x - $w : $x, $y);
    $pdf->Cell($w, 0, $text, 0, 0, $align);
    $pdf->setRTL(false);
}

function render($url) {
    $pdf = new TCPDF('L', 'mm', 'A4', true, 'UTF-8', false);
    $pdf->setPrintHeader(false);
    $pdf->setPrintFooter(false);
    $pdf->SetMargins(0, 0, 0);
    $pdf->SetAutoPageBreak(false, 0);
    $pdf->SetTitle('CERTIFICAT DE FORMATION — Hélène Dupré-Benali فاطمة الزهراء بنعلي');
    $pdf->setFontSubsetting(true);
    $pdf->AddPage();
    $pdf->SetLineStyle(array('width' => 1.6, 'color' => array(24, 48, 92)));
    $pdf->Rect(7, 7, 283, 196);
    $pdf->SetLineStyle(array('width' => 0.4, 'color' => array(176, 141, 62)));
    $pdf->Rect(10.5, 10.5, 276, 189);
    $pdf->SetTextColor(24, 48, 92);
    line($pdf, 'dejavuserif', 'B', 11, 'Institut national de formation à la protection de l’enfance', 20, 18, 100, false, 'L');
    line($pdf, 'aefurat', '', 14, 'المعهد الوطني للتكوين في حماية الطفولة', 177, 18, 100, true, 'R');
    line($pdf, 'dejavuserif', 'B', 24, 'CERTIFICAT DE FORMATION', 20, 38, 257, false);
    line($pdf, 'aefurat', '', 26, 'شهادة تكوين', 20, 50, 257, true);
    $pdf->SetTextColor(35, 35, 35);
    line($pdf, 'dejavuserif', '', 12, 'Ce certificat est décerné à', 20, 67, 128, false);
    line($pdf, 'aefurat', '', 13, 'تمنح هذه الشهادة إلى', 149, 67, 128, true);
    $pdf->SetTextColor(24, 48, 92);
    line($pdf, 'dejavuserif', 'B', 26, 'Hélène Dupré-Benali', 20, 76, 257, false);
    line($pdf, 'aefurat', '', 28, 'فاطمة الزهراء بنعلي', 20, 90, 257, true);
    $pdf->SetTextColor(35, 35, 35);
    line($pdf, 'dejavuserif', '', 11, 'Secteur d’activité : Protection de l’enfance', 20, 106, 128, false);
    line($pdf, 'aefurat', '', 12, 'مجال العمل: حماية الطفولة', 149, 106, 128, true);
    line($pdf, 'dejavuserif', '', 11, 'pour avoir suivi avec succès la formation', 20, 113, 128, false);
    line($pdf, 'aefurat', '', 12, 'لإتمامه بنجاح التكوين', 149, 113, 128, true);
    $pdf->SetTextColor(24, 48, 92);
    line($pdf, 'dejavuserif', 'B', 15, 'Protection de l’enfance : l’écoute des mineurs victimes', 20, 122, 257, false);
    line($pdf, 'aefurat', '', 17, 'حماية الطفولة: الاستماع إلى القاصرين والتكفل بهم (24 ساعة)', 20, 134, 257, true);
    $pdf->SetTextColor(35, 35, 35);
    line($pdf, 'dejavuserif', '', 11, 'Durée : 24 heures — Délivré le 15 janvier 2025', 20, 147, 128, false);
    line($pdf, 'aefurat', '', 12, 'المدة: 24 ساعة - سلمت في 15 يناير 2025', 149, 147, 128, true);
    $style = array('border' => false, 'padding' => 4, 'fgcolor' => array(0, 0, 0), 'bgcolor' => array(255, 255, 255));
    $pdf->write2DBarcode($url, 'QRCODE,M', 16, 164, 34, 34, $style, 'N');
    line($pdf, 'dejavuserif', '', 9, 'Code de vérification', 52, 170, 110, false, 'L');
    line($pdf, 'dejavuserif', 'B', 12, 'P2FM-TMMQ-K7XW-D4BZ-3LNA-6YHC-5E', 52, 176, 110, false, 'L');
    line($pdf, 'dejavuserif', '', 8, 'Vérifier : ' . $url, 52, 185, 110, false, 'L');
    $pdf->Line(200, 183, 269, 183);
    line($pdf, 'dejavuserif', 'B', 11, 'Nadia El Amrani', 192, 185, 85, false);
    line($pdf, 'dejavuserif', '', 9, 'Directrice des formations', 192, 191, 85, false);
    return $pdf->Output('', 'S');
}

render($url); // warm-up: font files read once into PHP's caches
$t = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    $bytes = render($url);
}
$ms = (hrtime(true) - $t) / 1e6 / $n;
file_put_contents($out, $bytes);
printf("renders=%d ms_per_render=%.2f bytes=%d\n", $n, $ms, strlen($bytes));
