package dev.portolan.frontend.view;

/**
 * The login form: the local path to go to after logging in, the name typed, and why the last try
 * failed (or null).
 */
public record LoginView(String then, String user, String error) {}
