"""Group programmes: open groups and courses, enrolment, waiting lists, registers, outcomes."""
