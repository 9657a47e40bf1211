/** Injector health sampling from /proc and saturation flags. */
package dev.loadfleet.health;
