"""Clara: the backend of a voice-and-text assistant for fire & life-safety and HVAC field technicians."""
