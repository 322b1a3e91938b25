/**
 * Troubleshooting answers: why a bind fails ({@link BindDiagnosis}), why a connection fails ({@link
 * ConnectDiagnosis}), and everything known about a port ({@link PortDiagnosis}), each a {@link
 * WhyAnswer} with a verdict code, a sentence and its evidence. Plain Java: it reads the sockets and
 * owners through {@code socket} and {@code owner}, judges exposure with {@code sampling}, and knows
 * no Vert.x.
 */
package dev.portolan.why;
