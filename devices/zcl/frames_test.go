package zcl_test

import (
	"strings"

	"github.com/smetsim/smetsim/devices/zcl"
)

// frameCase is one ZCL frame of the round-trip table: the cluster it travels on, the header fields
// the sender chooses (AppendFrame fills in the rest), the command, and what tshark must show for it.
type frameCase struct {
	name    string
	cluster uint16
	header  zcl.Header
	cmd     zcl.Command
	tshark  []shows
}

// shows is a tshark field and the text tshark must print for it (-T fields, every occurrence joined
// by commas).
type shows struct{ field, want string }

// Times used across the table: 2024-01-01T00:00:00Z, a day later, and half past noon on it.
const (
	newYear    zcl.UTCTime = 0x2d24bd00
	nextDay                = newYear + 86400
	halfNoon               = newYear + 12*3600 + 1800
	newYearTS              = "Jan  1, 2024 00:00:00.000000000 UTC"
	nextDayTS              = "Jan  2, 2024 00:00:00.000000000 UTC"
	halfNoonTS             = "Jan  1, 2024 12:30:00.000000000 UTC"
)

var (
	toServer = zcl.Header{Sequence: 0x11, Direction: zcl.ClientToServer}
	toClient = zcl.Header{Sequence: 0x22, Direction: zcl.ServerToClient, DisableDefaultResponse: true}
)

func uv(t zcl.DataType, v uint64) zcl.Value { return zcl.Uint(t, v) }
func iv(t zcl.DataType, v int64) zcl.Value  { return zcl.Int(t, v) }
func octets(s string) zcl.Value             { return zcl.OctetString([]byte(s)) }
func chars(s string) zcl.Value              { return zcl.CharString(s) }

// ok is a successful read attribute record.
func ok(id uint16, v zcl.Value) zcl.ReadAttributeRecord {
	return zcl.ReadAttributeRecord{ID: id, Status: zcl.StatusSuccess, Value: v}
}

// utrn is a 20-digit Unique Transaction Reference Number as a GB prepayment top-up code.
const utrn = "73829104657281930465"

// frameCases returns the round-trip table: every command this package implements, in each of its
// forms, and a representative Read Attributes Response or Report Attributes for each cluster.
func frameCases() []frameCase {
	return []frameCase{
		// Profile-wide commands.
		{name: "Basic Read Attributes", cluster: zcl.ClusterBasic, header: toServer,
			cmd: &zcl.ReadAttributes{Attributes: []uint16{zcl.AttrBasicZCLVersion,
				zcl.AttrBasicManufacturerName, zcl.AttrBasicModelIdentifier, zcl.AttrBasicSWBuildID}},
			tshark: []shows{{"zbee_zcl.cmd.id", "0x00"},
				{"zbee_zcl_general.basic.attr_id", "0x0000,0x0004,0x0005,0x4000"}}},
		{name: "Basic Read Attributes Response", cluster: zcl.ClusterBasic, header: toClient,
			cmd: &zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
				ok(zcl.AttrBasicZCLVersion, uv(zcl.TypeUint8, 3)),
				ok(zcl.AttrBasicApplicationVersion, uv(zcl.TypeUint8, 7)),
				ok(zcl.AttrBasicManufacturerName, chars("SMETSIM")),
				ok(zcl.AttrBasicModelIdentifier, chars("SIM-ESME-1")),
				ok(zcl.AttrBasicDateCode, chars("20240101")),
				ok(zcl.AttrBasicPowerSource, uv(zcl.TypeEnum8, zcl.PowerSourceMainsSingle)),
				ok(zcl.AttrBasicDeviceEnabled, zcl.Bool(true)),
				{ID: zcl.AttrBasicLocationDescription, Status: zcl.StatusUnsupportedAttribute},
				ok(zcl.AttrBasicSWBuildID, chars("1.4.2")),
			}},
			tshark: []shows{{"zbee_zcl.cmd.id", "0x01"},
				{"zbee_zcl_general.basic.attr_id", "0x0000,0x0001,0x0004,0x0005,0x0006,0x0007,0x0012,0x0010,0x4000"},
				{"zbee_zcl.attr.status", "0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x86,0x00"},
				{"zbee_zcl.attr.uint8", "3,7"},
				{"zbee_zcl.attr.str", "SMETSIM,SIM-ESME-1,20240101,1.4.2"},
				{"zbee_zcl_general.basic.attr.pwr_src", "0x01"},
				{"zbee_zcl_general.basic.attr.dev_en", "0x01"}}},
		{name: "Identify Read Attributes Response", cluster: zcl.ClusterIdentify, header: toClient,
			cmd: &zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
				ok(zcl.AttrIdentifyTime, uv(zcl.TypeUint16, 30))}},
			tshark: []shows{{"zbee_zcl_general.identify.attr_id", "0x0000"},
				{"zbee_zcl_general.identify.attr.identify_time", "30"}}},
		{name: "Time Read Attributes Response", cluster: zcl.ClusterTime, header: toClient,
			cmd: &zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
				ok(zcl.AttrTimeTime, zcl.UTC(halfNoon)),
				ok(zcl.AttrTimeTimeStatus, uv(zcl.TypeBitmap8, zcl.TimeStatusMaster|zcl.TimeStatusSynchronized)),
				ok(zcl.AttrTimeTimeZone, iv(zcl.TypeInt32, 0)),
				ok(zcl.AttrTimeDstStart, uv(zcl.TypeUint32, uint64(newYear)+86*86400+3600)),
				ok(zcl.AttrTimeDstEnd, uv(zcl.TypeUint32, uint64(newYear)+300*86400+3600)),
				ok(zcl.AttrTimeDstShift, iv(zcl.TypeInt32, 3600)),
				ok(zcl.AttrTimeStandardTime, uv(zcl.TypeUint32, uint64(halfNoon))),
				ok(zcl.AttrTimeLocalTime, uv(zcl.TypeUint32, uint64(halfNoon))),
				ok(zcl.AttrTimeLastSetTime, zcl.UTC(newYear)),
				ok(zcl.AttrTimeValidUntilTime, zcl.UTC(nextDay)),
			}},
			tshark: []shows{{"zbee_zcl_general.time.attr_id", "0x0000,0x0001,0x0002,0x0003,0x0004,0x0005,0x0006,0x0007,0x0008,0x0009"}}},
		{name: "Metering Read Attributes Response", cluster: zcl.ClusterMetering, header: toClient,
			cmd: &zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
				ok(zcl.AttrMeteringCurrentSummationDelivered, uv(zcl.TypeUint48, 123456789)),
				ok(zcl.AttrMeteringCurrentSummationReceived, uv(zcl.TypeUint48, 0)),
				ok(zcl.AttrMeteringCurrentTier1SummationDelivered, uv(zcl.TypeUint48, 100000000)),
				ok(zcl.AttrMeteringCurrentTier2SummationDelivered, uv(zcl.TypeUint48, 23456789)),
				ok(zcl.MeteringBlockSummationDelivered(1, 2), uv(zcl.TypeUint48, 4242)),
				ok(zcl.AttrMeteringSupplyStatus, uv(zcl.TypeEnum8, zcl.SupplyOn)),
				ok(zcl.AttrMeteringStatus, uv(zcl.TypeBitmap8, 0)),
				ok(zcl.AttrMeteringUnitOfMeasure, uv(zcl.TypeEnum8, zcl.UnitKWh)),
				ok(zcl.AttrMeteringMultiplier, uv(zcl.TypeUint24, 1)),
				ok(zcl.AttrMeteringDivisor, uv(zcl.TypeUint24, 1000)),
				ok(zcl.AttrMeteringSummationFormatting, uv(zcl.TypeBitmap8, 0xfb)),
				ok(zcl.AttrMeteringMeteringDeviceType, uv(zcl.TypeBitmap8, zcl.DeviceElectric)),
				ok(zcl.AttrMeteringSiteID, octets("1900001234567")),
				ok(zcl.AttrMeteringInstantaneousDemand, iv(zcl.TypeInt24, -1500)),
				ok(zcl.AttrMeteringCurrentDayConsumptionDelivered, uv(zcl.TypeUint24, 12345)),
				ok(zcl.AttrMeteringPreviousDayConsumptionDelivered, uv(zcl.TypeUint24, 9876)),
				{ID: zcl.AttrMeteringHoursInFault, Status: zcl.StatusUnsupportedAttribute},
			}},
			tshark: []shows{{"zbee_zcl_se.met.attr_id", "0x0000,0x0001,0x0100,0x0102,0x0711,0x0014,0x0200,0x0300,0x0301,0x0302,0x0303,0x0306,0x0307,0x0400,0x0401,0x0403,0x0203"},
				{"zbee_zcl.attr.uint48", "123456789,0,100000000,23456789,4242"},
				{"zbee_zcl.attr.uint24", "1,1000,12345,9876"},
				{"zbee_zcl.attr.int24", "-1500"},
				{"zbee_zcl.attr.ostr", "31:39:30:30:30:30:31:32:33:34:35:36:37"}}},
		{name: "Metering Report Attributes", cluster: zcl.ClusterMetering, header: toClient,
			cmd: &zcl.ReportAttributes{Records: []zcl.AttributeRecord{
				{ID: zcl.AttrMeteringCurrentSummationDelivered, Value: uv(zcl.TypeUint48, 123456790)},
				{ID: zcl.AttrMeteringInstantaneousDemand, Value: iv(zcl.TypeInt24, 2750)},
			}},
			tshark: []shows{{"zbee_zcl.cmd.id", "0x0a"}, {"zbee_zcl_se.met.attr_id", "0x0000,0x0400"},
				{"zbee_zcl.attr.uint48", "123456790"}, {"zbee_zcl.attr.int24", "2750"}}},
		{name: "Price Read Attributes Response", cluster: zcl.ClusterPrice, header: toClient,
			cmd: &zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
				ok(zcl.AttrPriceTier1PriceLabel, octets("Day")),
				ok(zcl.AttrPriceTier2PriceLabel, octets("Night")),
				ok(zcl.AttrPriceBlock1Threshold, uv(zcl.TypeUint48, 5000)),
				ok(zcl.AttrPriceCommodityType, uv(zcl.TypeEnum8, 1)),
				ok(zcl.AttrPriceStandingCharge, uv(zcl.TypeUint32, 2345)),
				ok(zcl.AttrPriceConversionFactor, uv(zcl.TypeUint32, 1022640)),
				ok(zcl.AttrPriceConversionFactorTrailingDigit, uv(zcl.TypeBitmap8, 0x60)),
				ok(zcl.AttrPriceCalorificValue, uv(zcl.TypeUint32, 39500)),
				ok(zcl.AttrPriceCalorificValueUnit, uv(zcl.TypeEnum8, 1)),
				ok(zcl.AttrPriceCalorificValueTrailingDigit, uv(zcl.TypeBitmap8, 0x30)),
				ok(zcl.PriceBlockPrice(1, 1), uv(zcl.TypeUint32, 2899)),
			}},
			tshark: []shows{{"zbee_zcl_se.price.attr_id", "0x0000,0x0001,0x0100,0x0300,0x0301,0x0302,0x0303,0x0304,0x0305,0x0306,0x0410"},
				{"zbee_zcl.attr.ostr", "44:61:79,4e:69:67:68:74"},
				{"zbee_zcl.attr.uint48", "5000"},
				{"zbee_zcl.attr.uint32", "2345,1022640,39500,2899"}}},
		{name: "Prepayment Read Attributes Response", cluster: zcl.ClusterPrepayment, header: toClient,
			cmd: &zcl.ReadAttributesResponse{Records: []zcl.ReadAttributeRecord{
				ok(zcl.AttrPrepaymentPaymentControlConfiguration, uv(zcl.TypeBitmap16, 0x0001)),
				ok(zcl.AttrPrepaymentCreditRemaining, iv(zcl.TypeInt32, 1234)),
				ok(zcl.AttrPrepaymentEmergencyCreditRemaining, iv(zcl.TypeInt32, 500)),
				ok(zcl.AttrPrepaymentCreditStatus, uv(zcl.TypeBitmap8, 0x01)),
				ok(zcl.AttrPrepaymentCreditRemainingTimeStamp, zcl.UTC(halfNoon)),
				ok(zcl.AttrPrepaymentAccumulatedDebt, iv(zcl.TypeInt32, -250)),
				ok(zcl.AttrPrepaymentEmergencyCreditLimitAllowance, uv(zcl.TypeUint32, 1000)),
				ok(zcl.AttrPrepaymentEmergencyCreditThreshold, uv(zcl.TypeUint32, 100)),
				ok(zcl.AttrPrepaymentTotalCreditAdded, uv(zcl.TypeUint48, 987654)),
				ok(zcl.AttrPrepaymentMaxCreditLimit, uv(zcl.TypeUint32, 25000)),
				ok(zcl.AttrPrepaymentMaxCreditPerTopUp, uv(zcl.TypeUint32, 10000)),
				ok(zcl.AttrPrepaymentLowCreditWarningLevel, uv(zcl.TypeUint32, 300)),
				ok(zcl.PrepaymentTopUp(zcl.AttrPrepaymentTopUpDateTime1, 1), zcl.UTC(newYear)),
				ok(zcl.PrepaymentTopUp(zcl.AttrPrepaymentTopUpAmount1, 1), iv(zcl.TypeInt32, 2000)),
				ok(zcl.PrepaymentTopUp(zcl.AttrPrepaymentOriginatingDevice1, 1), uv(zcl.TypeEnum8, zcl.OriginIHD)),
				ok(zcl.PrepaymentTopUp(zcl.AttrPrepaymentTopUpCode1, 1), octets(utrn)),
			}},
			tshark: []shows{{"zbee_zcl_se.pp.attr_id", "0x0000,0x0001,0x0002,0x0003,0x0004,0x0005,0x0010,0x0011,0x0020,0x0021,0x0022,0x0031,0x0100,0x0101,0x0102,0x0103"},
				{"zbee_zcl.attr.int32", "1234,500,-250,2000"},
				{"zbee_zcl.attr.uint32", "1000,100,25000,10000,300"},
				{"zbee_zcl.attr.uint48", "987654"}}},
		{name: "Prepayment Report Attributes", cluster: zcl.ClusterPrepayment, header: toClient,
			cmd: &zcl.ReportAttributes{Records: []zcl.AttributeRecord{
				{ID: zcl.AttrPrepaymentCreditRemaining, Value: iv(zcl.TypeInt32, -42)}}},
			tshark: []shows{{"zbee_zcl_se.pp.attr_id", "0x0001"}, {"zbee_zcl.attr.int32", "-42"}}},
		{name: "Report Attributes of every data type", cluster: zcl.ClusterIdentify, header: toClient,
			cmd: &zcl.ReportAttributes{Records: everyType()}},
		{name: "Write Attributes", cluster: zcl.ClusterIdentify, header: toServer,
			cmd: &zcl.WriteAttributes{Records: []zcl.AttributeRecord{
				{ID: zcl.AttrIdentifyTime, Value: uv(zcl.TypeUint16, 10)}}},
			tshark: []shows{{"zbee_zcl.cmd.id", "0x02"}, {"zbee_zcl_general.identify.attr.identify_time", "10"}}},
		{name: "Write Attributes Response, all written", cluster: zcl.ClusterIdentify, header: toClient,
			cmd:    &zcl.WriteAttributesResponse{},
			tshark: []shows{{"zbee_zcl.cmd.id", "0x04"}, {"zbee_zcl.attr.status", "0x00"}}},
		{name: "Write Attributes Response, one refused", cluster: zcl.ClusterBasic, header: toClient,
			cmd: &zcl.WriteAttributesResponse{Records: []zcl.AttributeStatus{
				{Status: zcl.StatusReadOnly, ID: zcl.AttrBasicManufacturerName}}},
			tshark: []shows{{"zbee_zcl.attr.status", "0x88"}, {"zbee_zcl_general.basic.attr_id", "0x0004"}}},
		{name: "Configure Reporting", cluster: zcl.ClusterMetering, header: toServer,
			cmd: &zcl.ConfigureReporting{Records: []zcl.ReportingConfiguration{
				{Direction: zcl.ReportingReported, ID: zcl.AttrMeteringCurrentSummationDelivered,
					Type: zcl.TypeUint48, MinInterval: 30, MaxInterval: 1800, ReportableChange: uv(zcl.TypeUint48, 1)},
				{Direction: zcl.ReportingReported, ID: zcl.AttrMeteringStatus,
					Type: zcl.TypeBitmap8, MinInterval: 1, MaxInterval: 0xffff},
				{Direction: zcl.ReportingReceived, ID: zcl.AttrMeteringInstantaneousDemand, Timeout: 60},
			}},
			// tshark takes the attribute of a "received" record for one of the sender's: a client attribute.
			tshark: []shows{{"zbee_zcl.cmd.id", "0x06"}, {"zbee_zcl_se.met.attr_id", "0x0000,0x0200"},
				{"zbee_zcl_se.met.attr_client_id", "0x0400"},
				{"zbee_zcl.attr.minint", "30,1"}, {"zbee_zcl.attr.maxint", "1800,65535"},
				{"zbee_zcl.attr.uint48", "1"}, {"zbee_zcl.attr.timeout", "60"}}},
		{name: "Configure Reporting Response, all configured", cluster: zcl.ClusterMetering, header: toClient,
			cmd:    &zcl.ConfigureReportingResponse{},
			tshark: []shows{{"zbee_zcl.cmd.id", "0x07"}, {"zbee_zcl.attr.status", "0x00"}}},
		{name: "Configure Reporting Response, one refused", cluster: zcl.ClusterMetering, header: toClient,
			cmd: &zcl.ConfigureReportingResponse{Records: []zcl.ReportingStatus{
				{Status: zcl.StatusUnreportableAttribute, Direction: zcl.ReportingReported, ID: zcl.AttrMeteringSiteID}}},
			tshark: []shows{{"zbee_zcl.attr.status", "0x8c"}, {"zbee_zcl_se.met.attr_id", "0x0307"}}},
		{name: "Default Response", cluster: zcl.ClusterPrice, header: toClient,
			cmd:    &zcl.DefaultResponse{Command: zcl.CmdGetBlockThresholds, Status: zcl.StatusUnsupClusterCommand},
			tshark: []shows{{"zbee_zcl.cmd.id", "0x0b"}, {"zbee_zcl.cmd.id.rsp", "0x08"}, {"zbee_zcl.attr.status", "0x81"}}},

		// Identify.
		{name: "Identify", cluster: zcl.ClusterIdentify, header: toServer,
			cmd:    &zcl.Identify{IdentifyTime: 15},
			tshark: []shows{{"zbee_zcl_general.identify.cmd.srv_rx.id", "0x00"}, {"zbee_zcl_general.identify.attr.identify_time", "15"}}},
		{name: "Identify Query", cluster: zcl.ClusterIdentify, header: toServer,
			cmd:    &zcl.IdentifyQuery{},
			tshark: []shows{{"zbee_zcl_general.identify.cmd.srv_rx.id", "0x01"}}},
		{name: "Identify Query Response", cluster: zcl.ClusterIdentify, header: toClient,
			cmd:    &zcl.IdentifyQueryResponse{Timeout: 12},
			tshark: []shows{{"zbee_zcl_general.identify.cmd.srv_tx.id", "0x00"}, {"zbee_zcl_general.identify.identify_timeout", "12"}}},

		// Price.
		{name: "Get Current Price", cluster: zcl.ClusterPrice, header: toServer,
			cmd:    &zcl.GetCurrentPrice{CommandOptions: 0x01},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_rx.id", "0x00"}, {"zbee_zcl_se.price.command_options", "0x01"}}},
		{name: "Get Scheduled Prices", cluster: zcl.ClusterPrice, header: toServer,
			cmd:    &zcl.GetScheduledPrices{StartTime: newYear, NumberOfEvents: 5},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_rx.id", "0x01"}, {"zbee_zcl_se.price.start_time", newYearTS}, {"zbee_zcl_se.price.number_of_events", "5"}}},
		{name: "Price Acknowledgement", cluster: zcl.ClusterPrice, header: toServer,
			cmd:    &zcl.PriceAcknowledgement{ProviderID: 0x01020304, IssuerEventID: 77, PriceAckTime: halfNoon, Control: 0x01},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_rx.id", "0x02"}, {"zbee_zcl_se.price.provider_id", "16909060"}, {"zbee_zcl_se.price.issuer_event_id", "77"}, {"zbee_zcl_se.price.price_ack_time", halfNoonTS}, {"zbee_zcl_se.price.control", "0x01"}}},
		{name: "Get Conversion Factor", cluster: zcl.ClusterPrice, header: toServer,
			cmd:    &zcl.GetConversionFactor{EarliestStartTime: newYear, MinIssuerEventID: 3, NumberOfCommands: 2},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_rx.id", "0x04"}, {"zbee_zcl_se.price.earliest_start_time", newYearTS}, {"zbee_zcl_se.price.min_issuer_event_id", "3"}, {"zbee_zcl_se.price.number_of_commands", "2"}}},
		{name: "Get Calorific Value", cluster: zcl.ClusterPrice, header: toServer,
			cmd:    &zcl.GetCalorificValue{EarliestStartTime: nextDay, MinIssuerEventID: 4, NumberOfCommands: 1},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_rx.id", "0x05"}, {"zbee_zcl_se.price.earliest_start_time", nextDayTS}, {"zbee_zcl_se.price.min_issuer_event_id", "4"}}},
		{name: "Get Block Thresholds", cluster: zcl.ClusterPrice, header: toServer,
			cmd:    &zcl.GetBlockThresholds{IssuerTariffID: 0xabcdef},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_rx.id", "0x08"}, {"zbee_zcl_se.price.issuer_tariff_id", "11259375"}}},
		{name: "Publish Price (SE 1.2)", cluster: zcl.ClusterPrice, header: toClient,
			cmd: &zcl.PublishPrice{ProviderID: 0x00c0ffee, RateLabel: []byte("Standard"), IssuerEventID: 1001,
				CurrentTime: halfNoon, UnitOfMeasure: zcl.UnitKWh, Currency: zcl.CurrencyGBP,
				PriceTrailingDigitAndPriceTier: 0x31, NumberOfPriceTiersAndRegisterTier: 0x21,
				StartTime: newYear, DurationInMinutes: 0xffff, Price: 28620,
				PriceRatio: 0xff, GenerationPrice: 0xffffffff, GenerationPriceRatio: 0xff,
				AlternateCostDelivered: 233, AlternateCostUnit: 0x01, AlternateCostTrailingDigit: 0x30,
				NumberOfBlockThresholds: 0xff, PriceControl: 0x00,
				NumberOfGenerationTiers: 0, GenerationTier: 0, ExtendedNumberOfPriceTiers: 0,
				ExtendedPriceTier: 0, ExtendedRegisterTier: 0},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_tx.id", "0x00"},
				{"zbee_zcl_se.price.provider_id", "12648430"}, {"zbee_zcl_se.price.rate_label", "Standard"},
				{"zbee_zcl_se.price.issuer_event_id", "1001"}, {"zbee_zcl_se.price.current_time", halfNoonTS},
				{"zbee_zcl_se.price.currency", "0x033a"}, {"zbee_zcl_se.price.trailing_digit", "0x03"},
				{"zbee_zcl_se.price.tier", "0x01"}, {"zbee_zcl_se.price.number_of_price_tiers", "0x02"},
				{"zbee_zcl_se.price.register_tier", "0x01"}, {"zbee_zcl_se.price.start_time", newYearTS},
				{"zbee_zcl_se.price.duration_in_minutes", "65535"}, {"zbee_zcl_se.price.price", "28620"},
				{"zbee_zcl_se.price.alternate_cost_delivered", "233"}, {"zbee_zcl_se.price.generation_price", "4294967295"},
				{"zbee_zcl_se.price.number_of_generation_tiers", "0"}, {"zbee_zcl_se.price.extended_register_tier", "0x00"}}},
		{name: "Publish Price (SE 1.1)", cluster: zcl.ClusterPrice, header: toClient,
			cmd: &zcl.PublishPrice{ProviderID: 7, RateLabel: []byte("E7 Night"), IssuerEventID: 1002,
				CurrentTime: halfNoon, UnitOfMeasure: zcl.UnitKWh, Currency: zcl.CurrencyGBP,
				PriceTrailingDigitAndPriceTier: 0x52, NumberOfPriceTiersAndRegisterTier: 0x22,
				StartTime: nextDay, DurationInMinutes: 420, Price: 1234567,
				PriceRatio: 0xff, GenerationPrice: 0xffffffff, GenerationPriceRatio: 0xff,
				AlternateCostDelivered: 0xffffffff, AlternateCostUnit: 0xff, AlternateCostTrailingDigit: 0xff,
				NumberOfBlockThresholds: 0, PriceControl: 0x01, Form: zcl.PriceFormSE11},
			tshark: []shows{{"zbee_zcl_se.price.rate_label", "E7 Night"}, {"zbee_zcl_se.price.price", "1234567"},
				{"zbee_zcl_se.price.duration_in_minutes", "420"}, {"zbee_zcl_se.price.control", "0x01"},
				{"zbee_zcl_se.price.extended_register_tier", ""}}},
		{name: "Publish Price (SE 1.0)", cluster: zcl.ClusterPrice, header: toClient,
			cmd: &zcl.PublishPrice{ProviderID: 8, RateLabel: nil, IssuerEventID: 1003,
				CurrentTime: newYear, UnitOfMeasure: zcl.UnitM3, Currency: zcl.CurrencyGBP,
				PriceTrailingDigitAndPriceTier: 0x41, NumberOfPriceTiersAndRegisterTier: 0x11,
				StartTime: 0, DurationInMinutes: 60, Price: 6543, Form: zcl.PriceFormSE10},
			tshark: []shows{{"zbee_zcl_se.price.provider_id", "8"}, {"zbee_zcl_se.price.price", "6543"},
				{"zbee_zcl_se.price.unit_of_measure", "0x01"}, {"zbee_zcl_se.price.price.ratio", ""}}},
		{name: "Publish Conversion Factor", cluster: zcl.ClusterPrice, header: toClient,
			cmd:    &zcl.PublishConversionFactor{IssuerEventID: 55, StartTime: newYear, ConversionFactor: 1022640, TrailingDigit: 0x60},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_tx.id", "0x02"}, {"zbee_zcl_se.price.issuer_event_id", "55"}, {"zbee_zcl_se.price.conversion_factor", "1022640"}, {"zbee_zcl_se.price.conversion_factor.trailing_digit", "6"}}},
		{name: "Publish Calorific Value", cluster: zcl.ClusterPrice, header: toClient,
			cmd: &zcl.PublishCalorificValue{IssuerEventID: 56, StartTime: nextDay, CalorificValue: 39500, CalorificValueUnit: 1, TrailingDigit: 0x30},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_tx.id", "0x03"}, {"zbee_zcl_se.price.calorific_value", "39500"}, {"zbee_zcl_se.price.calorific_value.unit", "0x01"},
				// The whole octet and its high nibble share one field name in tshark.
				{"zbee_zcl_se.price.calorific_value.trailing_digit", "48,3"}}},
		{name: "Publish Block Thresholds", cluster: zcl.ClusterPrice, header: toClient,
			cmd: &zcl.PublishBlockThresholds{ProviderID: 9, IssuerEventID: 57, StartTime: newYear, IssuerTariffID: 0x1234,
				CommandIndex: 0, TotalNumberOfCommands: 1, SubPayloadControl: 0,
				Thresholds: []zcl.BlockThreshold{{Tier: 1, Threshold: 1000}, {Tier: 1, Threshold: 3000},
					{Tier: 2, Threshold: 0xffffffffffff}}},
			tshark: []shows{{"zbee_zcl_se.price.cmd.srv_tx.id", "0x06"}, {"zbee_zcl_se.price.issuer_tariff_id", "4660"},
				{"zbee_zcl_se.price.block_thresholds.tier", "1,2"}, {"zbee_zcl_se.price.block_threshold", "1000,3000,281474976710655"}}},

		// Metering.
		{name: "Get Profile", cluster: zcl.ClusterMetering, header: toServer,
			cmd:    &zcl.GetProfile{IntervalChannel: zcl.IntervalConsumptionDelivered, EndTime: nextDay, NumberOfPeriods: 48},
			tshark: []shows{{"zbee_zcl_se.met.cmd.srv_rx.id", "0x00"}, {"zbee_zcl_se.met.get_profile.end_time", nextDayTS}, {"zbee_zcl_se.met.get_profile.number_of_periods", "48"}}},
		{name: "Get Profile Response", cluster: zcl.ClusterMetering, header: toClient,
			cmd: &zcl.GetProfileResponse{EndTime: nextDay, Status: zcl.ProfileSuccess, ProfileIntervalPeriod: 2,
				Intervals: []uint32{250, 0, 0xffffff, 1234}},
			tshark: []shows{{"zbee_zcl_se.met.cmd.srv_tx.id", "0x00"}, {"zbee_zcl_se.met.get_profile_response.end_time", nextDayTS},
				{"zbee_zcl_se.met.get_profile_response.profile_interval_period", "2"},
				{"zbee_zcl_se.met.get_profile_response.number_of_periods_delivered", "4"},
				{"zbee_zcl_se.met.get_profile_response.intervals", "250,0,16777215,1234"}}},
		{name: "Change Supply", cluster: zcl.ClusterMetering, header: toServer,
			cmd: &zcl.ChangeSupply{ProviderID: 10, IssuerEventID: 58, RequestDateTime: newYear,
				ImplementationDateTime: halfNoon, ProposedSupplyStatus: zcl.SupplyOffArmed, SupplyControlBits: zcl.SupplyControlAcknowledge},
			tshark: []shows{{"zbee_zcl_se.met.cmd.srv_rx.id", "0x0b"}, {"zbee_zcl_se.met.change_supply.provider_id", "10"},
				{"zbee_zcl_se.met.change_supply.implementation_date_time", halfNoonTS},
				{"zbee_zcl_se.met.change_supply.proposed_supply_status", "1"}, {"zbee_zcl_se.met.change_supply.supply_control_bits", "0x01"}}},
		{name: "Local Change Supply", cluster: zcl.ClusterMetering, header: toServer,
			cmd:    &zcl.LocalChangeSupply{ProposedSupplyStatus: zcl.SupplyOn},
			tshark: []shows{{"zbee_zcl_se.met.cmd.srv_rx.id", "0x0c"}, {"zbee_zcl_se.met.local_change_supply.proposed_supply_status", "2"}}},
		{name: "Supply Status Response", cluster: zcl.ClusterMetering, header: toClient,
			cmd:    &zcl.SupplyStatusResponse{ProviderID: 10, IssuerEventID: 58, ImplementationDateTime: halfNoon, SupplyStatus: zcl.SupplyOffArmed},
			tshark: []shows{{"zbee_zcl_se.met.cmd.srv_tx.id", "0x0c"}, {"zbee_zcl_se.met.supply_status_response.issuer_event_id", "58"}, {"zbee_zcl_se.met.supply_status_response.supply_status_after_implementation", "1"}}},

		// Messaging.
		{name: "Display Message (SE 1.2)", cluster: zcl.ClusterMessaging, header: toClient,
			cmd: &zcl.DisplayMessage{MessageID: 0x42, MessageControl: zcl.MessageImportanceHigh | zcl.MessageConfirmRequired,
				StartTime: 0, DurationInMinutes: 60, Message: []byte("Credit is low: top up soon"),
				HasExtendedControl: true, ExtendedMessageControl: 0},
			tshark: []shows{{"zbee_zcl_se.msg.cmd.srv_tx.id", "0x00"}, {"zbee_zcl_se.msg.message.id", "0x00000042"},
				{"zbee_zcl_se.msg.message.duration", "60"}, {"zbee_zcl_se.msg.message.ctrl", "0x88"},
				{"zbee_zcl_se.msg.message.start_time", "0"}, {"zbee_zcl_se.msg.message", "Credit is low: top up soon"},
				{"zbee_zcl_se.msg.message.ext.ctrl", "0x00"}}},
		{name: "Display Message (SE 1.1)", cluster: zcl.ClusterMessaging, header: toClient,
			cmd: &zcl.DisplayMessage{MessageID: 0x43, MessageControl: zcl.MessageImportanceLow,
				StartTime: halfNoon, DurationInMinutes: 0xffff, Message: []byte("Hello")},
			tshark: []shows{{"zbee_zcl_se.msg.message.id", "0x00000043"}, {"zbee_zcl_se.msg.message", "Hello"},
				{"zbee_zcl_se.msg.message.ctrl", "0x00"}, {"zbee_zcl_se.msg.message.start_time", dec(uint64(halfNoon))},
				{"zbee_zcl_se.msg.message.ext.ctrl", ""}}},
		{name: "Cancel Message", cluster: zcl.ClusterMessaging, header: toClient,
			cmd:    &zcl.CancelMessage{MessageID: 0x42},
			tshark: []shows{{"zbee_zcl_se.msg.cmd.srv_tx.id", "0x01"}, {"zbee_zcl_se.msg.message.id", "0x00000042"}}},
		{name: "Cancel All Messages", cluster: zcl.ClusterMessaging, header: toClient,
			cmd:    &zcl.CancelAllMessages{ImplementationDateTime: halfNoon},
			tshark: []shows{{"zbee_zcl_se.msg.cmd.srv_tx.id", "0x03"}, {"zbee_zcl_se.msg.impl_time", halfNoonTS}}},
		{name: "Get Last Message", cluster: zcl.ClusterMessaging, header: toServer,
			cmd:    &zcl.GetLastMessage{},
			tshark: []shows{{"zbee_zcl_se.msg.cmd.srv_rx.id", "0x00"}}},
		{name: "Message Confirmation (SE 1.2)", cluster: zcl.ClusterMessaging, header: toServer,
			cmd: &zcl.MessageConfirmation{MessageID: 0x42, ConfirmationTime: halfNoon, HasControl: true,
				ConfirmationControl: 1, HasResponse: true, Response: []byte("OK")},
			tshark: []shows{{"zbee_zcl_se.msg.cmd.srv_rx.id", "0x01"}, {"zbee_zcl_se.msg.message.id", "0x00000042"},
				{"zbee_zcl_se.msg.message.confirm_time", halfNoonTS}, {"zbee_zcl_se.msg.message.confirm.ctrl", "1"},
				{"zbee_zcl_se.msg.message", "OK"}}},
		{name: "Message Confirmation (SE 1.2, no response)", cluster: zcl.ClusterMessaging, header: toServer,
			cmd: &zcl.MessageConfirmation{MessageID: 0x44, ConfirmationTime: halfNoon, HasControl: true},
			tshark: []shows{{"zbee_zcl_se.msg.message.id", "0x00000044"}, {"zbee_zcl_se.msg.message.confirm.ctrl", "0"},
				{"zbee_zcl_se.msg.message", ""}}},
		{name: "Message Confirmation (SE 1.1)", cluster: zcl.ClusterMessaging, header: toServer,
			cmd:    &zcl.MessageConfirmation{MessageID: 0x43, ConfirmationTime: nextDay},
			tshark: []shows{{"zbee_zcl_se.msg.message.id", "0x00000043"}, {"zbee_zcl_se.msg.message.confirm_time", nextDayTS}}},

		// Prepayment.
		{name: "Select Available Emergency Credit", cluster: zcl.ClusterPrepayment, header: toServer,
			cmd:    &zcl.SelectAvailableEmergencyCredit{CommandIssueDateTime: halfNoon, OriginatingDevice: zcl.OriginIHD},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_rx.id", "0x00"}, {"zbee_zcl_se.pp.select_available_emc.cmd_issue_date_time", halfNoonTS}, {"zbee_zcl_se.pp.select_available_emc.originating_device", "2"}}},
		{name: "Change Debt", cluster: zcl.ClusterPrepayment, header: toServer,
			cmd: &zcl.ChangeDebt{IssuerEventID: 59, DebtLabel: []byte("Arrears"), DebtAmount: 15000,
				DebtRecoveryMethod: 0, DebtAmountType: 0, DebtRecoveryStartTime: newYear,
				DebtRecoveryCollectionTime: 60, DebtRecoveryFrequency: 1, DebtRecoveryAmount: 100,
				DebtRecoveryBalancePercentage: 25},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_rx.id", "0x02"}, {"zbee_zcl_se.pp.change_debt.issuer_event_id", "59"},
				{"zbee_zcl_se.pp.change_debt.debt_amount", "15000"}, {"zbee_zcl_se.pp.change_debt.recovery_start_time", newYearTS},
				{"zbee_zcl_se.pp.change_debt.recovery_amount", "100"},
				// tshark 4.0 shows the label as bytes including its length octet, and reads only the
				// low octet of the uint16 balance percentage (see ChangeDebt).
				{"zbee_zcl_se.pp.change_debt.debt_label", "07" + strings.ReplaceAll(hexBytes("Arrears"), ":", "")},
				{"zbee_zcl_se.pp.change_debt.recovery_balance_percentage", "25"}}},
		{name: "Emergency Credit Setup", cluster: zcl.ClusterPrepayment, header: toServer,
			cmd:    &zcl.EmergencyCreditSetup{IssuerEventID: 60, StartTime: newYear, EmergencyCreditLimit: 1000, EmergencyCreditThreshold: 100},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_rx.id", "0x03"}, {"zbee_zcl_se.pp.emc_setup.emc_limit", "1000"}, {"zbee_zcl_se.pp.emc_setup.emc_threshold", "100"}}},
		{name: "Consumer Top Up", cluster: zcl.ClusterPrepayment, header: toServer,
			cmd:    &zcl.ConsumerTopUp{OriginatingDevice: zcl.OriginIHD, TopUpCode: []byte(utrn)},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_rx.id", "0x04"}, {"zbee_zcl_se.pp.consumer_top_up.originating_device", "2"}, {"zbee_zcl_se.pp.consumer_top_up.top_up_code", hexBytes(utrn)}}},
		{name: "Credit Adjustment", cluster: zcl.ClusterPrepayment, header: toServer,
			cmd:    &zcl.CreditAdjustment{IssuerEventID: 61, StartTime: halfNoon, CreditAdjustmentType: 0, CreditAdjustmentValue: -500},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_rx.id", "0x05"}, {"zbee_zcl_se.pp.credit_adjustment.credit_adjustment_value", "-500"}}},
		{name: "Get Top Up Log", cluster: zcl.ClusterPrepayment, header: toServer,
			cmd:    &zcl.GetTopUpLog{LatestEndTime: nextDay, NumberOfRecords: 5},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_rx.id", "0x08"}, {"zbee_zcl_se.pp.get_top_up_log.latest_end_time", nextDayTS}, {"zbee_zcl_se.pp.get_top_up_log.number_of_records", "5"}}},
		{name: "Set Low Credit Warning Level", cluster: zcl.ClusterPrepayment, header: toServer,
			cmd:    &zcl.SetLowCreditWarningLevel{LowCreditWarningLevel: 300},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_rx.id", "0x09"}, {"zbee_zcl_se.pp.set_low_credit_warning_level.low_credit_warning_level", "300"}}},
		{name: "Consumer Top Up Response", cluster: zcl.ClusterPrepayment, header: toClient,
			cmd:    &zcl.ConsumerTopUpResponse{ResultType: zcl.TopUpAcceptedSupplyArmed, TopUpValue: 2000, SourceOfTopUp: zcl.OriginIHD, CreditRemaining: 1750},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_tx.id", "0x03"}, {"zbee_zcl_se.pp.consumer_top_up_response.result_type", "18"}, {"zbee_zcl_se.pp.consumer_top_up_response.top_up_value", "2000"}, {"zbee_zcl_se.pp.consumer_top_up_response.source_of_top_up", "2"}, {"zbee_zcl_se.pp.consumer_top_up_response.credit_remaining", "1750"}}},
		{name: "Publish Top Up Log", cluster: zcl.ClusterPrepayment, header: toClient,
			cmd: &zcl.PublishTopUpLog{CommandIndex: 0, TotalNumberOfCommands: 1, Entries: []zcl.TopUpLogEntry{
				{TopUpCode: []byte(utrn), TopUpAmount: 2000, TopUpTime: newYear},
				{TopUpCode: []byte("12345678901234567890"), TopUpAmount: -1, TopUpTime: halfNoon}}},
			tshark: []shows{{"zbee_zcl_se.pp.cmd.srv_tx.id", "0x05"}, {"zbee_zcl_se.pp.publish_top_up_log.top_up_amount", "2000,-1"},
				{"zbee_zcl_se.pp.publish_top_up_log.top_up_time", newYearTS + "," + halfNoonTS},
				{"zbee_zcl_se.pp.publish_top_up_log.top_up_code", hexBytes(utrn) + "," + hexBytes("12345678901234567890")}}},
	}
}

// everyType is one record of each data type, at manufacturer-range attribute identifiers that no
// dissector treats specially, with values near the edges of each type.
func everyType() []zcl.AttributeRecord {
	vals := []zcl.Value{
		zcl.Bool(true),
		uv(zcl.TypeBitmap8, 0xa5), uv(zcl.TypeBitmap16, 0xa55a), uv(zcl.TypeBitmap24, 0x123456),
		uv(zcl.TypeBitmap32, 0x89abcdef), uv(zcl.TypeBitmap40, 0x0102030405), uv(zcl.TypeBitmap48, 0xffffffffffff),
		uv(zcl.TypeBitmap56, 0x01020304050607), uv(zcl.TypeBitmap64, 0xfedcba9876543210),
		uv(zcl.TypeUint8, 0xff), uv(zcl.TypeUint16, 0xffff), uv(zcl.TypeUint24, 0xffffff), uv(zcl.TypeUint32, 0xffffffff),
		uv(zcl.TypeUint40, 0xffffffffff), uv(zcl.TypeUint48, 0xffffffffffff), uv(zcl.TypeUint56, 0xffffffffffffff),
		uv(zcl.TypeUint64, 0xffffffffffffffff),
		iv(zcl.TypeInt8, -128), iv(zcl.TypeInt16, -32768), iv(zcl.TypeInt24, -8388608), iv(zcl.TypeInt32, -2147483648),
		iv(zcl.TypeInt40, -549755813888), iv(zcl.TypeInt48, 140737488355327), iv(zcl.TypeInt56, -1),
		iv(zcl.TypeInt64, -9223372036854775808),
		uv(zcl.TypeEnum8, 0x7f), uv(zcl.TypeEnum16, 0x8001),
		octets("\x00\x01\xfe\xff"), chars("SMETS1"), zcl.UTC(halfNoon),
		uv(zcl.TypeClusterID, uint64(zcl.ClusterMetering)), uv(zcl.TypeAttributeID, uint64(zcl.AttrMeteringSiteID)),
		uv(zcl.TypeIEEEAddress, 0x00db1234567890a0),
	}
	recs := make([]zcl.AttributeRecord, len(vals))
	for n, v := range vals {
		recs[n] = zcl.AttributeRecord{ID: 0x7000 + uint16(n), Value: v}
	}
	return recs
}

// hexBytes formats s as tshark prints an FT_BYTES or FT_UINT_BYTES field: hex pairs joined by colons.
func hexBytes(s string) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 3*len(s))
	for n := 0; n < len(s); n++ {
		if n > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[s[n]>>4], digits[s[n]&0x0f])
	}
	return string(out)
}
