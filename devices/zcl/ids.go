package zcl

// Cluster identifiers (ZCL §3, SE Annex D) of the clusters a SMETS1 HAN uses.
const (
	ClusterBasic      uint16 = 0x0000
	ClusterIdentify   uint16 = 0x0003
	ClusterTime       uint16 = 0x000a
	ClusterPrice      uint16 = 0x0700
	ClusterMetering   uint16 = 0x0702
	ClusterMessaging  uint16 = 0x0703
	ClusterPrepayment uint16 = 0x0705
)

// ClusterName returns the cluster's name, or "" for a cluster this package does not describe.
func ClusterName(id uint16) string {
	switch id {
	case ClusterBasic:
		return "Basic"
	case ClusterIdentify:
		return "Identify"
	case ClusterTime:
		return "Time"
	case ClusterPrice:
		return "Price"
	case ClusterMetering:
		return "Metering"
	case ClusterMessaging:
		return "Messaging"
	case ClusterPrepayment:
		return "Prepayment"
	}
	return ""
}

// AttrReportingStatus is the Attribute Reporting Status attribute (enum8) every SE cluster server
// may carry, set to 0 (pending) or 1 (complete) at the end of a burst of reports.
const AttrReportingStatus uint16 = 0xfffe

// Basic cluster attributes (ZCL §3.2).
const (
	AttrBasicZCLVersion          uint16 = 0x0000 // uint8
	AttrBasicApplicationVersion  uint16 = 0x0001 // uint8
	AttrBasicStackVersion        uint16 = 0x0002 // uint8
	AttrBasicHWVersion           uint16 = 0x0003 // uint8
	AttrBasicManufacturerName    uint16 = 0x0004 // string, ≤ 32
	AttrBasicModelIdentifier     uint16 = 0x0005 // string, ≤ 32
	AttrBasicDateCode            uint16 = 0x0006 // string, ≤ 16
	AttrBasicPowerSource         uint16 = 0x0007 // enum8
	AttrBasicLocationDescription uint16 = 0x0010 // string, ≤ 16
	AttrBasicPhysicalEnvironment uint16 = 0x0011 // enum8
	AttrBasicDeviceEnabled       uint16 = 0x0012 // bool
	AttrBasicAlarmMask           uint16 = 0x0013 // map8
	AttrBasicDisableLocalConfig  uint16 = 0x0014 // map8
	AttrBasicSWBuildID           uint16 = 0x4000 // string, ≤ 16
)

// Basic PowerSource values (ZCL §3.2); bit 7 flags a secondary battery backup.
const (
	PowerSourceUnknown       = 0x00
	PowerSourceMainsSingle   = 0x01
	PowerSourceMainsThree    = 0x02
	PowerSourceBattery       = 0x03
	PowerSourceDC            = 0x04
	PowerSourceEmergencyMain = 0x05
	PowerSourceBatteryBackup = 0x80
)

// Identify cluster attributes (ZCL §3.5).
const (
	AttrIdentifyTime uint16 = 0x0000 // uint16, seconds left to identify
)

// Time cluster attributes (ZCL §3.12).
const (
	AttrTimeTime           uint16 = 0x0000 // UTC
	AttrTimeTimeStatus     uint16 = 0x0001 // map8: master, synchronized, master zone/DST, superseding
	AttrTimeTimeZone       uint16 = 0x0002 // int32, seconds offset from UTC
	AttrTimeDstStart       uint16 = 0x0003 // uint32, UTC seconds
	AttrTimeDstEnd         uint16 = 0x0004 // uint32, UTC seconds
	AttrTimeDstShift       uint16 = 0x0005 // int32, seconds
	AttrTimeStandardTime   uint16 = 0x0006 // uint32
	AttrTimeLocalTime      uint16 = 0x0007 // uint32
	AttrTimeLastSetTime    uint16 = 0x0008 // UTC
	AttrTimeValidUntilTime uint16 = 0x0009 // UTC
)

// TimeStatus bits (ZCL §3.12).
const (
	TimeStatusMaster        = 1 << 0
	TimeStatusSynchronized  = 1 << 1
	TimeStatusMasterZoneDst = 1 << 2
	TimeStatusSuperseding   = 1 << 3
)

// Metering cluster server attributes (SE §D.3).
const (
	AttrMeteringCurrentSummationDelivered                       uint16 = 0x0000 // uint48
	AttrMeteringCurrentSummationReceived                        uint16 = 0x0001 // uint48
	AttrMeteringCurrentMaxDemandDelivered                       uint16 = 0x0002 // uint48
	AttrMeteringCurrentMaxDemandReceived                        uint16 = 0x0003 // uint48
	AttrMeteringDFTSummation                                    uint16 = 0x0004 // uint48
	AttrMeteringDailyFreezeTime                                 uint16 = 0x0005 // uint16
	AttrMeteringPowerFactor                                     uint16 = 0x0006 // int8
	AttrMeteringReadingSnapshotTime                             uint16 = 0x0007 // UTC
	AttrMeteringDefaultUpdatePeriod                             uint16 = 0x000a // uint8
	AttrMeteringFastPollUpdatePeriod                            uint16 = 0x000b // uint8
	AttrMeteringCurrentBlockPeriodConsumptionDelivered          uint16 = 0x000c // uint48
	AttrMeteringDailyConsumptionTarget                          uint16 = 0x000d // uint24
	AttrMeteringCurrentBlock                                    uint16 = 0x000e // enum8
	AttrMeteringProfileIntervalPeriod                           uint16 = 0x000f // enum8
	AttrMeteringPresetReadingTime                               uint16 = 0x0011 // uint16
	AttrMeteringVolumePerReport                                 uint16 = 0x0012 // uint16
	AttrMeteringFlowRestriction                                 uint16 = 0x0013 // uint8
	AttrMeteringSupplyStatus                                    uint16 = 0x0014 // enum8, see SupplyOff…
	AttrMeteringCurrentTier1SummationDelivered                  uint16 = 0x0100 // uint48
	AttrMeteringCurrentTier1SummationReceived                   uint16 = 0x0101 // uint48
	AttrMeteringCurrentTier2SummationDelivered                  uint16 = 0x0102 // uint48
	AttrMeteringCurrentTier2SummationReceived                   uint16 = 0x0103 // uint48
	AttrMeteringCurrentTier3SummationDelivered                  uint16 = 0x0104 // uint48
	AttrMeteringCurrentTier3SummationReceived                   uint16 = 0x0105 // uint48
	AttrMeteringCurrentTier4SummationDelivered                  uint16 = 0x0106 // uint48
	AttrMeteringCurrentTier4SummationReceived                   uint16 = 0x0107 // uint48
	AttrMeteringStatus                                          uint16 = 0x0200 // map8
	AttrMeteringRemainingBatteryLife                            uint16 = 0x0201 // uint8
	AttrMeteringHoursInOperation                                uint16 = 0x0202 // uint24
	AttrMeteringHoursInFault                                    uint16 = 0x0203 // uint24
	AttrMeteringExtendedStatus                                  uint16 = 0x0204 // map64
	AttrMeteringRemainingBatteryLifeInDays                      uint16 = 0x0205 // uint16
	AttrMeteringCurrentMeterID                                  uint16 = 0x0206 // octstr
	AttrMeteringAmbientConsumptionIndicator                     uint16 = 0x0207 // enum8
	AttrMeteringUnitOfMeasure                                   uint16 = 0x0300 // enum8, see UnitKWh…
	AttrMeteringMultiplier                                      uint16 = 0x0301 // uint24
	AttrMeteringDivisor                                         uint16 = 0x0302 // uint24
	AttrMeteringSummationFormatting                             uint16 = 0x0303 // map8
	AttrMeteringDemandFormatting                                uint16 = 0x0304 // map8
	AttrMeteringHistoricalConsumptionFormatting                 uint16 = 0x0305 // map8
	AttrMeteringMeteringDeviceType                              uint16 = 0x0306 // map8, see DeviceElectric…
	AttrMeteringSiteID                                          uint16 = 0x0307 // octstr, ≤ 32 (the MPAN/MPRN)
	AttrMeteringMeterSerialNumber                               uint16 = 0x0308 // octstr, ≤ 24
	AttrMeteringInstantaneousDemand                             uint16 = 0x0400 // int24
	AttrMeteringCurrentDayConsumptionDelivered                  uint16 = 0x0401 // uint24
	AttrMeteringCurrentDayConsumptionReceived                   uint16 = 0x0402 // uint24
	AttrMeteringPreviousDayConsumptionDelivered                 uint16 = 0x0403 // uint24
	AttrMeteringPreviousDayConsumptionReceived                  uint16 = 0x0404 // uint24
	AttrMeteringCurrentPartialProfileIntervalStartTimeDelivered uint16 = 0x0405 // UTC
	AttrMeteringCurrentPartialProfileIntervalValueDelivered     uint16 = 0x0407 // uint24
	AttrMeteringMaxNumberOfPeriodsDelivered                     uint16 = 0x0500 // uint8
)

// MeteringTierSummationDelivered returns the attribute of CurrentTier<tier>SummationDelivered,
// tier 1–48 (uint48); the Received attribute is the next identifier.
func MeteringTierSummationDelivered(tier int) uint16 {
	return AttrMeteringCurrentTier1SummationDelivered + uint16(2*(tier-1))
}

// MeteringBlockSummationDelivered returns the attribute of Current Tier<tier> Block<block> Summation
// Delivered (uint48, SE §D.3), tier 1–15 or 0 for "no tier", block 1–16.
func MeteringBlockSummationDelivered(tier, block int) uint16 {
	return 0x0700 + uint16(16*tier+block-1)
}

// Metering UnitOfMeasure values (SE §D.3); adding 0x80 selects the BCD form.
const (
	UnitKWh   = 0x00
	UnitM3    = 0x01
	UnitFt3   = 0x02
	UnitCcf   = 0x03
	UnitUSGal = 0x04
	UnitIMGal = 0x05
	UnitBTU   = 0x06
	UnitLitre = 0x07
	UnitKPaG  = 0x08
	UnitKPaA  = 0x09
	UnitMcf   = 0x0a
	UnitNone  = 0x0b
	UnitMJ    = 0x0c
	UnitKVar  = 0x0d
)

// MeteringDeviceType values (SE §D.3) of the meters a SMETS1 HAN holds.
const (
	DeviceElectric = 0
	DeviceGas      = 1
	DeviceWater    = 2
)

// Metering SupplyStatus and ProposedSupplyStatus values (SE §D.3).
const (
	SupplyOff      = 0
	SupplyOffArmed = 1
	SupplyOn       = 2
)

// Price cluster server attributes (SE §D.4). The gas conversion attributes live here, not in
// Metering: ConversionFactor turns volume into corrected volume, CalorificValue turns that into energy.
const (
	AttrPriceTier1PriceLabel               uint16 = 0x0000 // octstr, ≤ 12
	AttrPriceTier2PriceLabel               uint16 = 0x0001
	AttrPriceTier3PriceLabel               uint16 = 0x0002
	AttrPriceTier4PriceLabel               uint16 = 0x0003
	AttrPriceBlock1Threshold               uint16 = 0x0100 // uint48
	AttrPriceBlock2Threshold               uint16 = 0x0101
	AttrPriceBlock3Threshold               uint16 = 0x0102
	AttrPriceBlockThresholdCount           uint16 = 0x010f // uint8
	AttrPriceStartOfBlockPeriod            uint16 = 0x0200 // UTC
	AttrPriceBlockPeriodDuration           uint16 = 0x0201 // uint24, minutes
	AttrPriceThresholdMultiplier           uint16 = 0x0202 // uint24
	AttrPriceThresholdDivisor              uint16 = 0x0203 // uint24
	AttrPriceCommodityType                 uint16 = 0x0300 // enum8
	AttrPriceStandingCharge                uint16 = 0x0301 // uint32
	AttrPriceConversionFactor              uint16 = 0x0302 // uint32
	AttrPriceConversionFactorTrailingDigit uint16 = 0x0303 // map8, high nibble
	AttrPriceCalorificValue                uint16 = 0x0304 // uint32
	AttrPriceCalorificValueUnit            uint16 = 0x0305 // enum8: 1 MJ/m³, 2 MJ/kg
	AttrPriceCalorificValueTrailingDigit   uint16 = 0x0306 // map8, high nibble
)

// PriceTierLabel returns the attribute of Tier<tier>PriceLabel, tier 1–48.
func PriceTierLabel(tier int) uint16 { return AttrPriceTier1PriceLabel + uint16(tier-1) }

// PriceBlockThreshold returns the attribute of Block<block>Threshold, block 1–15.
func PriceBlockThreshold(block int) uint16 { return AttrPriceBlock1Threshold + uint16(block-1) }

// PriceBlockPrice returns the attribute of Tier<tier>Block<block>Price (uint32, SE §D.4),
// tier 1–15 or 0 for "no tier", block 1–16.
func PriceBlockPrice(tier, block int) uint16 { return 0x0400 + uint16(16*tier+block-1) }

// CurrencyGBP is the ISO 4217 numeric code SE uses for pounds sterling.
const CurrencyGBP = 826

// Prepayment cluster server attributes (SE §D.7).
const (
	AttrPrepaymentPaymentControlConfiguration   uint16 = 0x0000 // map16
	AttrPrepaymentCreditRemaining               uint16 = 0x0001 // int32
	AttrPrepaymentEmergencyCreditRemaining      uint16 = 0x0002 // int32
	AttrPrepaymentCreditStatus                  uint16 = 0x0003 // map8
	AttrPrepaymentCreditRemainingTimeStamp      uint16 = 0x0004 // UTC
	AttrPrepaymentAccumulatedDebt               uint16 = 0x0005 // int32
	AttrPrepaymentOverallDebtCap                uint16 = 0x0006 // int32
	AttrPrepaymentEmergencyCreditLimitAllowance uint16 = 0x0010 // uint32
	AttrPrepaymentEmergencyCreditThreshold      uint16 = 0x0011 // uint32
	AttrPrepaymentTotalCreditAdded              uint16 = 0x0020 // uint48
	AttrPrepaymentMaxCreditLimit                uint16 = 0x0021 // uint32
	AttrPrepaymentMaxCreditPerTopUp             uint16 = 0x0022 // uint32
	AttrPrepaymentFriendlyCreditWarning         uint16 = 0x0030 // uint8, minutes
	AttrPrepaymentLowCreditWarningLevel         uint16 = 0x0031 // uint32
	AttrPrepaymentIHDLowCreditWarningLevel      uint16 = 0x0032 // uint32
	AttrPrepaymentInterruptSuspendTime          uint16 = 0x0033 // uint8, minutes
	AttrPrepaymentCutOffValue                   uint16 = 0x0040 // int32
	AttrPrepaymentTopUpDateTime1                uint16 = 0x0100 // UTC
	AttrPrepaymentTopUpAmount1                  uint16 = 0x0101 // int32
	AttrPrepaymentOriginatingDevice1            uint16 = 0x0102 // enum8
	AttrPrepaymentTopUpCode1                    uint16 = 0x0103 // octstr
	AttrPrepaymentDebtLabel1                    uint16 = 0x0210 // octstr, ≤ 12
	AttrPrepaymentDebtAmount1                   uint16 = 0x0211 // uint32
)

// PrepaymentTopUp returns the attribute of field f (AttrPrepaymentTopUpDateTime1 …
// AttrPrepaymentTopUpCode1) of the n-th most recent top-up, n 1–5.
func PrepaymentTopUp(f uint16, n int) uint16 { return f + uint16(0x10*(n-1)) }

// AttributeType returns the data type the specification gives an attribute of the clusters above,
// so that a simulator can type its reports and a capture reader can check them. It returns false for
// attributes this package does not describe.
func AttributeType(cluster, attr uint16) (DataType, bool) {
	if attr == AttrReportingStatus && cluster >= ClusterPrice {
		return TypeEnum8, true
	}
	switch cluster {
	case ClusterBasic:
		switch attr {
		case AttrBasicZCLVersion, AttrBasicApplicationVersion, AttrBasicStackVersion, AttrBasicHWVersion:
			return TypeUint8, true
		case AttrBasicManufacturerName, AttrBasicModelIdentifier, AttrBasicDateCode,
			AttrBasicLocationDescription, AttrBasicSWBuildID:
			return TypeCharString, true
		case AttrBasicPowerSource, AttrBasicPhysicalEnvironment:
			return TypeEnum8, true
		case AttrBasicDeviceEnabled:
			return TypeBool, true
		case AttrBasicAlarmMask, AttrBasicDisableLocalConfig:
			return TypeBitmap8, true
		}
	case ClusterIdentify:
		if attr == AttrIdentifyTime {
			return TypeUint16, true
		}
	case ClusterTime:
		switch attr {
		case AttrTimeTime, AttrTimeLastSetTime, AttrTimeValidUntilTime:
			return TypeUTCTime, true
		case AttrTimeTimeStatus:
			return TypeBitmap8, true
		case AttrTimeTimeZone, AttrTimeDstShift:
			return TypeInt32, true
		case AttrTimeDstStart, AttrTimeDstEnd, AttrTimeStandardTime, AttrTimeLocalTime:
			return TypeUint32, true
		}
	case ClusterMetering:
		return meteringType(attr)
	case ClusterPrice:
		return priceType(attr)
	case ClusterPrepayment:
		return prepaymentType(attr)
	}
	return 0, false
}

func meteringType(attr uint16) (DataType, bool) {
	switch {
	case attr <= 0x0004, attr == AttrMeteringCurrentBlockPeriodConsumptionDelivered,
		attr >= 0x0100 && attr <= 0x015f, attr >= 0x0700 && attr <= 0x07ff:
		return TypeUint48, true
	}
	switch attr {
	case AttrMeteringDailyFreezeTime, AttrMeteringPresetReadingTime, AttrMeteringVolumePerReport,
		AttrMeteringRemainingBatteryLifeInDays:
		return TypeUint16, true
	case AttrMeteringPowerFactor:
		return TypeInt8, true
	case AttrMeteringReadingSnapshotTime, AttrMeteringCurrentPartialProfileIntervalStartTimeDelivered:
		return TypeUTCTime, true
	case AttrMeteringDefaultUpdatePeriod, AttrMeteringFastPollUpdatePeriod, AttrMeteringFlowRestriction,
		AttrMeteringRemainingBatteryLife, AttrMeteringMaxNumberOfPeriodsDelivered:
		return TypeUint8, true
	case AttrMeteringDailyConsumptionTarget, AttrMeteringHoursInOperation, AttrMeteringHoursInFault,
		AttrMeteringMultiplier, AttrMeteringDivisor, AttrMeteringCurrentDayConsumptionDelivered,
		AttrMeteringCurrentDayConsumptionReceived, AttrMeteringPreviousDayConsumptionDelivered,
		AttrMeteringPreviousDayConsumptionReceived, AttrMeteringCurrentPartialProfileIntervalValueDelivered:
		return TypeUint24, true
	case AttrMeteringCurrentBlock, AttrMeteringProfileIntervalPeriod, AttrMeteringSupplyStatus,
		AttrMeteringAmbientConsumptionIndicator, AttrMeteringUnitOfMeasure:
		return TypeEnum8, true
	case AttrMeteringStatus, AttrMeteringSummationFormatting, AttrMeteringDemandFormatting,
		AttrMeteringHistoricalConsumptionFormatting, AttrMeteringMeteringDeviceType:
		return TypeBitmap8, true
	case AttrMeteringExtendedStatus:
		return TypeBitmap64, true
	case AttrMeteringCurrentMeterID, AttrMeteringSiteID, AttrMeteringMeterSerialNumber:
		return TypeOctetString, true
	case AttrMeteringInstantaneousDemand:
		return TypeInt24, true
	}
	return 0, false
}

func priceType(attr uint16) (DataType, bool) {
	switch {
	case attr <= 0x002f:
		return TypeOctetString, true
	case attr >= 0x0100 && attr <= 0x01ff && attr&0x0f == 0x0f:
		return TypeUint8, true
	case attr >= 0x0100 && attr <= 0x01ff:
		return TypeUint48, true
	case attr >= 0x0400 && attr <= 0x04ff:
		return TypeUint32, true
	}
	switch attr {
	case AttrPriceStartOfBlockPeriod:
		return TypeUTCTime, true
	case AttrPriceBlockPeriodDuration, AttrPriceThresholdMultiplier, AttrPriceThresholdDivisor:
		return TypeUint24, true
	case AttrPriceCommodityType, AttrPriceCalorificValueUnit:
		return TypeEnum8, true
	case AttrPriceStandingCharge, AttrPriceConversionFactor, AttrPriceCalorificValue:
		return TypeUint32, true
	case AttrPriceConversionFactorTrailingDigit, AttrPriceCalorificValueTrailingDigit:
		return TypeBitmap8, true
	}
	return 0, false
}

func prepaymentType(attr uint16) (DataType, bool) {
	if attr >= 0x0100 && attr <= 0x014f {
		// The top-up log: five sets of four attributes, one set per 0x10.
		switch attr & 0x0f {
		case 0:
			return TypeUTCTime, true
		case 1:
			return TypeInt32, true
		case 2:
			return TypeEnum8, true
		case 3:
			return TypeOctetString, true
		}
		return 0, false
	}
	switch attr {
	case AttrPrepaymentPaymentControlConfiguration:
		return TypeBitmap16, true
	case AttrPrepaymentCreditRemaining, AttrPrepaymentEmergencyCreditRemaining,
		AttrPrepaymentAccumulatedDebt, AttrPrepaymentOverallDebtCap, AttrPrepaymentCutOffValue:
		return TypeInt32, true
	case AttrPrepaymentCreditStatus:
		return TypeBitmap8, true
	case AttrPrepaymentCreditRemainingTimeStamp:
		return TypeUTCTime, true
	case AttrPrepaymentEmergencyCreditLimitAllowance, AttrPrepaymentEmergencyCreditThreshold,
		AttrPrepaymentMaxCreditLimit, AttrPrepaymentMaxCreditPerTopUp,
		AttrPrepaymentLowCreditWarningLevel, AttrPrepaymentIHDLowCreditWarningLevel,
		AttrPrepaymentDebtAmount1:
		return TypeUint32, true
	case AttrPrepaymentTotalCreditAdded:
		return TypeUint48, true
	case AttrPrepaymentFriendlyCreditWarning, AttrPrepaymentInterruptSuspendTime:
		return TypeUint8, true
	case AttrPrepaymentDebtLabel1:
		return TypeOctetString, true
	}
	return 0, false
}
