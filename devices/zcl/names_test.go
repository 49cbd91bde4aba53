package zcl_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices/zcl"
	"github.com/smetsim/smetsim/internal/testtool"
)

// dissectorNames reads the value strings of every tshark field (tshark -G values): for each field,
// the name the dissector gives each value. These are Wireshark's transcription of the ZCL and SE
// tables, written independently of this package.
func dissectorNames(tshark string) map[string]map[uint64]string {
	GinkgoHelper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(tshark, "-G", "values")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	Expect(cmd.Run()).To(Succeed(), stderr.String())
	names := map[string]map[uint64]string{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 || cols[0] != "V" || !strings.HasPrefix(cols[1], "zbee_zcl") {
			continue
		}
		v, err := strconv.ParseUint(cols[2], 0, 64)
		Expect(err).NotTo(HaveOccurred(), sc.Text())
		if names[cols[1]] == nil {
			names[cols[1]] = map[uint64]string{}
		}
		names[cols[1]][v] = cols[3]
	}
	Expect(sc.Err()).NotTo(HaveOccurred())
	return names
}

// named is an identifier of this package, the tshark field whose value strings cover it, and the
// name the specification (and so, independently, tshark) gives it.
type named struct {
	field string
	id    uint64
	name  string
}

func attrs(field string, pairs ...any) []named {
	var out []named
	for n := 0; n < len(pairs); n += 2 {
		out = append(out, named{field, uint64(pairs[n].(uint16)), pairs[n+1].(string)})
	}
	return out
}

var _ = Describe("Identifiers, against tshark's dissector tables", Ordered, func() {
	var names map[string]map[uint64]string
	BeforeAll(func() {
		names = dissectorNames(testtool.Require("tshark"))
	})

	check := func(list []named) {
		GinkgoHelper()
		var wrong []string
		for _, n := range list {
			if got := names[n.field][n.id]; got != n.name {
				wrong = append(wrong, n.field+" "+strconv.FormatUint(n.id, 16)+": tshark says "+
					strconv.Quote(got)+", this package means "+strconv.Quote(n.name))
			}
		}
		Expect(wrong).To(BeEmpty())
	}

	It("agrees on the attribute identifiers", func() {
		basic, identify, tm := "zbee_zcl_general.basic.attr_id", "zbee_zcl_general.identify.attr_id", "zbee_zcl_general.time.attr_id"
		met, price, pp := "zbee_zcl_se.met.attr_id", "zbee_zcl_se.price.attr_id", "zbee_zcl_se.pp.attr_id"
		var list []named
		list = append(list, attrs(basic,
			zcl.AttrBasicZCLVersion, "ZCL Version", zcl.AttrBasicApplicationVersion, "Application Version",
			zcl.AttrBasicStackVersion, "Stack Version", zcl.AttrBasicHWVersion, "HW Version",
			zcl.AttrBasicManufacturerName, "Manufacturer Name", zcl.AttrBasicModelIdentifier, "Model Identifier",
			zcl.AttrBasicDateCode, "Date Code", zcl.AttrBasicPowerSource, "Power Source",
			zcl.AttrBasicLocationDescription, "Location Description",
			zcl.AttrBasicPhysicalEnvironment, "Physical Environment", zcl.AttrBasicDeviceEnabled, "Device Enabled",
			zcl.AttrBasicAlarmMask, "Alarm Mask", zcl.AttrBasicDisableLocalConfig, "Disable Local Config",
			zcl.AttrBasicSWBuildID, "Software Build Id")...)
		list = append(list, attrs(identify, zcl.AttrIdentifyTime, "Identify Time")...)
		list = append(list, attrs(tm,
			zcl.AttrTimeTime, "Time", zcl.AttrTimeTimeStatus, "Time Status", zcl.AttrTimeTimeZone, "Time Zone",
			zcl.AttrTimeDstStart, "Daylight Saving Time Start", zcl.AttrTimeDstEnd, "Daylight Saving Time End",
			zcl.AttrTimeDstShift, "Daylight Saving Time Shift", zcl.AttrTimeStandardTime, "Standard Time",
			zcl.AttrTimeLocalTime, "Local Time", zcl.AttrTimeLastSetTime, "Last Set Time",
			zcl.AttrTimeValidUntilTime, "Valid Until Time")...)
		list = append(list, attrs(met,
			zcl.AttrMeteringCurrentSummationDelivered, "Current Summation Delivered",
			zcl.AttrMeteringCurrentSummationReceived, "Current Summation Received",
			zcl.AttrMeteringCurrentMaxDemandDelivered, "Current Max Demand Delivered",
			zcl.AttrMeteringCurrentMaxDemandReceived, "Current Max Demand Received",
			zcl.AttrMeteringDFTSummation, "DFTSummation",
			zcl.AttrMeteringDailyFreezeTime, "Daily Freeze Time",
			zcl.AttrMeteringPowerFactor, "Power Factor",
			zcl.AttrMeteringReadingSnapshotTime, "Reading Snapshot Time",
			zcl.AttrMeteringDefaultUpdatePeriod, "Default Update Period",
			zcl.AttrMeteringFastPollUpdatePeriod, "Fast Poll Update Period",
			zcl.AttrMeteringCurrentBlockPeriodConsumptionDelivered, "Current Block Period Consumption Delivered",
			zcl.AttrMeteringDailyConsumptionTarget, "Daily Consumption Target",
			zcl.AttrMeteringCurrentBlock, "Current Block",
			zcl.AttrMeteringProfileIntervalPeriod, "Profile Interval Period",
			zcl.AttrMeteringPresetReadingTime, "Preset Reading Time",
			zcl.AttrMeteringVolumePerReport, "Volume Per Report",
			zcl.AttrMeteringFlowRestriction, "Flow Restriction",
			zcl.AttrMeteringSupplyStatus, "Supply Status",
			zcl.AttrMeteringCurrentTier1SummationDelivered, "Current Tier 1 Summation Delivered",
			zcl.AttrMeteringCurrentTier1SummationReceived, "Current Tier 1 Summation Received",
			zcl.AttrMeteringCurrentTier2SummationDelivered, "Current Tier 2 Summation Delivered",
			zcl.AttrMeteringCurrentTier2SummationReceived, "Current Tier 2 Summation Received",
			zcl.AttrMeteringCurrentTier3SummationDelivered, "Current Tier 3 Summation Delivered",
			zcl.AttrMeteringCurrentTier3SummationReceived, "Current Tier 3 Summation Received",
			zcl.AttrMeteringCurrentTier4SummationDelivered, "Current Tier 4 Summation Delivered",
			zcl.AttrMeteringCurrentTier4SummationReceived, "Current Tier 4 Summation Received",
			zcl.MeteringTierSummationDelivered(48), "Current Tier 48 Summation Delivered",
			zcl.MeteringBlockSummationDelivered(0, 1), "Current No Tier Block 1 Summation Delivered",
			zcl.MeteringBlockSummationDelivered(1, 2), "Current Tier 1 Block 2 Summation Delivered",
			zcl.MeteringBlockSummationDelivered(15, 16), "Current Tier 15 Block 16 Summation Delivered",
			zcl.AttrMeteringStatus, "Status",
			zcl.AttrMeteringRemainingBatteryLife, "Remaining Battery Life",
			zcl.AttrMeteringHoursInOperation, "Hours in Operation",
			zcl.AttrMeteringHoursInFault, "Hours in Fault",
			zcl.AttrMeteringExtendedStatus, "Extended Status",
			zcl.AttrMeteringRemainingBatteryLifeInDays, "Remaining Battery Life in Days",
			zcl.AttrMeteringCurrentMeterID, "Current Meter ID",
			zcl.AttrMeteringAmbientConsumptionIndicator, "Ambient Consumption Indicator",
			zcl.AttrMeteringUnitOfMeasure, "Unit of Measure",
			zcl.AttrMeteringMultiplier, "Multiplier",
			zcl.AttrMeteringDivisor, "Divisor",
			zcl.AttrMeteringSummationFormatting, "Summation Formatting",
			zcl.AttrMeteringDemandFormatting, "Demand Formatting",
			zcl.AttrMeteringHistoricalConsumptionFormatting, "Historical Consumption Formatting",
			zcl.AttrMeteringMeteringDeviceType, "Metering Device Type",
			zcl.AttrMeteringSiteID, "Site ID",
			zcl.AttrMeteringMeterSerialNumber, "Meter Serial Number",
			zcl.AttrMeteringInstantaneousDemand, "Instantaneous Demand",
			zcl.AttrMeteringCurrentDayConsumptionDelivered, "Current Day Consumption Delivered",
			zcl.AttrMeteringCurrentDayConsumptionReceived, "Current Day Consumption Received",
			zcl.AttrMeteringPreviousDayConsumptionDelivered, "Previous Day Consumption Delivered",
			zcl.AttrMeteringPreviousDayConsumptionReceived, "Previous Day Consumption Received",
			zcl.AttrMeteringCurrentPartialProfileIntervalStartTimeDelivered, "Current Partial Profile Interval Start Time Delivered",
			zcl.AttrMeteringCurrentPartialProfileIntervalValueDelivered, "Current Partial Profile Interval Value Delivered",
			zcl.AttrMeteringMaxNumberOfPeriodsDelivered, "Max Number of Periods Delivered")...)
		list = append(list, attrs(price,
			zcl.AttrPriceTier1PriceLabel, "Tier 1 Price Label", zcl.AttrPriceTier2PriceLabel, "Tier 2 Price Label",
			zcl.AttrPriceTier3PriceLabel, "Tier 3 Price Label", zcl.AttrPriceTier4PriceLabel, "Tier 4 Price Label",
			zcl.PriceTierLabel(48), "Tier 48 Price Label",
			zcl.AttrPriceBlock1Threshold, "Block 1 Threshold", zcl.AttrPriceBlock2Threshold, "Block 2 Threshold",
			zcl.AttrPriceBlock3Threshold, "Block 3 Threshold", zcl.PriceBlockThreshold(15), "Block 15 Threshold",
			zcl.AttrPriceBlockThresholdCount, "Block Threshold Count",
			zcl.AttrPriceStartOfBlockPeriod, "Start of Block Period",
			zcl.AttrPriceBlockPeriodDuration, "Block Period Duration",
			zcl.AttrPriceThresholdMultiplier, "Threshold Multiplier",
			zcl.AttrPriceThresholdDivisor, "Threshold Divisor",
			zcl.AttrPriceCommodityType, "Commodity Type",
			zcl.AttrPriceStandingCharge, "Standing Charge",
			zcl.AttrPriceConversionFactor, "Conversion Factor",
			zcl.AttrPriceConversionFactorTrailingDigit, "Conversion Factor TrailingDigit",
			zcl.AttrPriceCalorificValue, "Calorific Value",
			zcl.AttrPriceCalorificValueUnit, "Calorific Value Unit",
			zcl.AttrPriceCalorificValueTrailingDigit, "Calorific Value Trailing Digit",
			zcl.PriceBlockPrice(0, 1), "No Tier Block 1 Price",
			zcl.PriceBlockPrice(1, 1), "Tier 1 Block 1 Price",
			zcl.PriceBlockPrice(15, 16), "Tier 15 Block 16 Price",
			zcl.AttrReportingStatus, "Attribute Reporting Status")...)
		list = append(list, attrs(pp,
			zcl.AttrPrepaymentPaymentControlConfiguration, "Payment Control Configuration",
			zcl.AttrPrepaymentCreditRemaining, "Credit Remaining",
			zcl.AttrPrepaymentEmergencyCreditRemaining, "Emergency Credit Remaining",
			zcl.AttrPrepaymentCreditStatus, "Credit Status",
			zcl.AttrPrepaymentCreditRemainingTimeStamp, "Credit Remaining Timestamp",
			zcl.AttrPrepaymentAccumulatedDebt, "Accumulated Debt",
			zcl.AttrPrepaymentOverallDebtCap, "Overall Debt Cap",
			zcl.AttrPrepaymentEmergencyCreditLimitAllowance, "Emergency Credit Limit / Allowance",
			zcl.AttrPrepaymentEmergencyCreditThreshold, "Emergency Credit Threshold",
			zcl.AttrPrepaymentTotalCreditAdded, "Total Credit Added",
			zcl.AttrPrepaymentMaxCreditLimit, "Max Credit Limit",
			zcl.AttrPrepaymentMaxCreditPerTopUp, "Max Credit Per Top Up",
			zcl.AttrPrepaymentFriendlyCreditWarning, "Friendly Credit Warning",
			zcl.AttrPrepaymentLowCreditWarningLevel, "Low Credit Warning",
			zcl.AttrPrepaymentIHDLowCreditWarningLevel, "IHD Low Credit Warning",
			zcl.AttrPrepaymentInterruptSuspendTime, "Interrupt Suspend Time",
			zcl.AttrPrepaymentCutOffValue, "Cut Off Value",
			zcl.AttrPrepaymentTopUpDateTime1, "Top-up Date/time #1",
			zcl.AttrPrepaymentTopUpAmount1, "Top-up Amount #1",
			zcl.AttrPrepaymentOriginatingDevice1, "Originating Device #1",
			zcl.AttrPrepaymentTopUpCode1, "Top-up Code #1",
			zcl.PrepaymentTopUp(zcl.AttrPrepaymentTopUpCode1, 5), "Top-up Code #5",
			zcl.AttrPrepaymentDebtLabel1, "Debt Label #1",
			zcl.AttrPrepaymentDebtAmount1, "Debt Amount #1",
			zcl.AttrReportingStatus, "Attribute Reporting Status")...)
		check(list)
	})

	It("agrees on the name of every command it names, and names every command tshark knows on these clusters", func() {
		fields := map[string]struct {
			cluster uint16
			dir     zcl.Direction
		}{
			"zbee_zcl_general.basic.cmd.srv_rx.id":    {zcl.ClusterBasic, zcl.ClientToServer},
			"zbee_zcl_general.identify.cmd.srv_rx.id": {zcl.ClusterIdentify, zcl.ClientToServer},
			"zbee_zcl_general.identify.cmd.srv_tx.id": {zcl.ClusterIdentify, zcl.ServerToClient},
			"zbee_zcl_se.price.cmd.srv_rx.id":         {zcl.ClusterPrice, zcl.ClientToServer},
			"zbee_zcl_se.price.cmd.srv_tx.id":         {zcl.ClusterPrice, zcl.ServerToClient},
			"zbee_zcl_se.met.cmd.srv_rx.id":           {zcl.ClusterMetering, zcl.ClientToServer},
			"zbee_zcl_se.met.cmd.srv_tx.id":           {zcl.ClusterMetering, zcl.ServerToClient},
			"zbee_zcl_se.msg.cmd.srv_rx.id":           {zcl.ClusterMessaging, zcl.ClientToServer},
			"zbee_zcl_se.msg.cmd.srv_tx.id":           {zcl.ClusterMessaging, zcl.ServerToClient},
			"zbee_zcl_se.pp.cmd.srv_rx.id":            {zcl.ClusterPrepayment, zcl.ClientToServer},
			"zbee_zcl_se.pp.cmd.srv_tx.id":            {zcl.ClusterPrepayment, zcl.ServerToClient},
		}
		var list []named
		for field, at := range fields {
			Expect(names[field]).NotTo(BeEmpty(), field)
			for id := 0; id < 256; id++ {
				h := zcl.Header{FrameType: zcl.FrameClusterSpecific, Direction: at.dir, Command: uint8(id)}
				ours := zcl.CommandName(at.cluster, h)
				if _, known := names[field][uint64(id)]; known || ours != "" {
					list = append(list, named{field, uint64(id), ours})
				}
				if c := zcl.NewCommand(at.cluster, h); c != nil {
					Expect(ours).NotTo(BeEmpty(), "%s %#x is decoded but not named", field, id)
					Expect(c.CommandID()).To(Equal(uint8(id)))
					Expect(c.(zcl.ClusterCommand).ClusterID()).To(Equal(at.cluster))
					Expect(c.(zcl.ClusterCommand).Direction()).To(Equal(at.dir))
				}
			}
		}
		for id := 0; id < 256; id++ {
			h := zcl.Header{Command: uint8(id)}
			ours := zcl.CommandName(zcl.ClusterBasic, h)
			if ours != "" {
				list = append(list, named{"zbee_zcl.cmd.id", uint64(id), ours})
			}
			if c := zcl.NewCommand(zcl.ClusterBasic, h); c != nil {
				Expect(c.CommandID()).To(Equal(uint8(id)))
				_, specific := c.(zcl.ClusterCommand)
				Expect(specific).To(BeFalse())
			}
		}
		check(list)
	})

	It("agrees on the data types and status codes", func() {
		types := map[zcl.DataType]string{
			zcl.TypeBool: "Boolean", zcl.TypeBitmap8: "8-Bit Bitmap", zcl.TypeBitmap16: "16-Bit Bitmap",
			zcl.TypeBitmap24: "24-Bit Bitmap", zcl.TypeBitmap32: "32-Bit Bitmap", zcl.TypeBitmap40: "40-Bit Bitmap",
			zcl.TypeBitmap48: "48-Bit Bitmap", zcl.TypeBitmap56: "56-Bit Bitmap", zcl.TypeBitmap64: "64-Bit Bitmap",
			zcl.TypeUint8: "8-Bit Unsigned Integer", zcl.TypeUint16: "16-Bit Unsigned Integer",
			zcl.TypeUint24: "24-Bit Unsigned Integer", zcl.TypeUint32: "32-Bit Unsigned Integer",
			zcl.TypeUint40: "40-Bit Unsigned Integer", zcl.TypeUint48: "48-Bit Unsigned Integer",
			zcl.TypeUint56: "56-Bit Unsigned Integer", zcl.TypeUint64: "64-Bit Unsigned Integer",
			zcl.TypeInt8: "8-Bit Signed Integer", zcl.TypeInt16: "16-Bit Signed Integer",
			zcl.TypeInt24: "24-Bit Signed Integer", zcl.TypeInt32: "32-Bit Signed Integer",
			zcl.TypeInt40: "40-Bit Signed Integer", zcl.TypeInt48: "48-Bit Signed Integer",
			zcl.TypeInt56: "56-Bit Signed Integer", zcl.TypeInt64: "64-Bit Signed Integer",
			zcl.TypeEnum8: "8-Bit Enumeration", zcl.TypeEnum16: "16-Bit Enumeration",
			zcl.TypeOctetString: "Octet String", zcl.TypeCharString: "Character String",
			zcl.TypeUTCTime: "UTC Time", zcl.TypeClusterID: "Cluster ID", zcl.TypeAttributeID: "Attribute ID",
			zcl.TypeIEEEAddress: "IEEE Address",
		}
		var list []named
		for t := 0; t < 256; t++ {
			if zcl.DataType(t).Supported() {
				Expect(types).To(HaveKey(zcl.DataType(t)))
				list = append(list, named{"zbee_zcl.attr.data.type", uint64(t), types[zcl.DataType(t)]})
			}
		}
		Expect(list).To(HaveLen(len(types)))
		statuses := map[zcl.Status]string{
			zcl.StatusSuccess: "Success", zcl.StatusFailure: "Failure", zcl.StatusNotAuthorized: "Not Authorized",
			zcl.StatusReservedFieldNotZero: "Reserved Field Not Zero", zcl.StatusMalformedCommand: "Malformed Command",
			zcl.StatusUnsupClusterCommand:      "Unsupported Cluster Command",
			zcl.StatusUnsupGeneralCommand:      "Unsupported General Command",
			zcl.StatusUnsupManufClusterCommand: "Unsupported Manufacturer Cluster Command",
			zcl.StatusUnsupManufGeneralCommand: "Unsupported Manufacturer General Command",
			zcl.StatusInvalidField:             "Invalid Field", zcl.StatusUnsupportedAttribute: "Unsupported Attribute",
			zcl.StatusInvalidValue: "Invalid Value", zcl.StatusReadOnly: "Read Only",
			zcl.StatusInsufficientSpace: "Insufficient Space", zcl.StatusDuplicateExists: "Duplicate Exists",
			zcl.StatusNotFound: "Not Found", zcl.StatusUnreportableAttribute: "Unreportable Attribute",
			zcl.StatusInvalidDataType: "Invalid Data Type", zcl.StatusInvalidSelector: "Invalid Selector",
			zcl.StatusWriteOnly: "Write Only", zcl.StatusInconsistentStartupState: "Inconsistent Startup State",
			zcl.StatusDefinedOutOfBand: "Defined Out of Band", zcl.StatusInconsistent: "Inconsistent Value",
			zcl.StatusActionDenied: "Action Denied", zcl.StatusTimeout: "Timeout", zcl.StatusAbort: "Ota Abort",
			zcl.StatusInvalidImage: "Ota Invalid Image", zcl.StatusWaitForData: "Ota Wait For Data",
			zcl.StatusNoImageAvailable: "Ota No Image Available", zcl.StatusRequireMoreImage: "Ota Require More Image",
			zcl.StatusNotificationPending: "Ota Notification Pending", zcl.StatusHardwareFailure: "Hardware Failure",
			zcl.StatusSoftwareFailure: "Software Failure", zcl.StatusCalibrationError: "Calibration Error",
			zcl.StatusUnsupportedCluster: "Unsupported Cluster",
		}
		for s, name := range statuses {
			list = append(list, named{"zbee_zcl.attr.status", uint64(s), name})
			Expect(s.String()).NotTo(HavePrefix("Status("), "%s has no name of its own", name)
		}
		check(list)
	})
})
