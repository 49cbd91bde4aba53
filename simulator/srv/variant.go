package srv

import "fmt"

// CheckCommandVariant applies DUIS's rules for which command variants an SRV may use, with the
// SMETS1 rule that nothing is delivered locally. The mock DCC answers E12 with this reason; the
// scenario loader refuses such a request unless the scenario expects the refusal.
func (s *SRV) CheckCommandVariant(cv int) error {
	switch {
	case cv == 9:
		return fmt.Errorf("command variant 9 is internal to the DCC and never accepted from a User")
	case cv < 1 || cv > 9:
		return fmt.Errorf("command variant %d does not exist", cv)
	case s.NonDevice && cv != 8:
		return fmt.Errorf("%s is answered by the DCC itself: it takes command variant 8, not %d", s.Variant, cv)
	case !s.NonDevice && cv == 8:
		return fmt.Errorf("%s goes to a device: command variant 8 is for non-device requests", s.Variant)
	case cv == 2 || cv == 3 || cv == 6 || cv == 7:
		return fmt.Errorf("command variant %d asks for local delivery, which SMETS1 devices do not have", cv)
	case s.Critical && cv == 1:
		return fmt.Errorf("%s is critical: send it to Transform with command variant 4, then sign the pre-command (CV 5)", s.Variant)
	case !s.Critical && (cv == 4 || cv == 5):
		return fmt.Errorf("%s is not critical: command variants 4 and 5 are for critical requests", s.Variant)
	}
	return nil
}
