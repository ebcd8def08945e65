// A Sony XAVC S clip's sidecar for tests (no real one is in the corpus).
/**
 * A NonRealTimeMeta as Sony XAVC S cameras write it beside C0001.MP4 (namespace
 * urn:schemas-professionalDisc:nonRealTimeMeta; elements as ExifTool's Sony XML tags document
 * them: CreationDate, Device, Duration, LtcChangeTable, VideoFormat), written by hand.
 */
export const SONY_XML = `<?xml version="1.0" encoding="UTF-8"?>
<NonRealTimeMeta xmlns="urn:schemas-professionalDisc:nonRealTimeMeta:ver.2.20" xmlns:lib="urn:schemas-professionalDisc:lib:ver.2.00" lastUpdate="2021-05-04T10:15:32+06:00">
	<TargetMaterial umidRef="060A2B340101010501010D4313000000D1A5C4E6910805D29A0B0CFFFE0A0B0C"/>
	<Duration value="1501"/>
	<LtcChangeTable tcFps="30" halfStep="false">
		<LtcChange frameCount="0" value="00131510" status="increment"/>
	</LtcChangeTable>
	<CreationDate value="2021-05-04T10:15:00+06:00"/>
	<VideoFormat>
		<VideoFrame videoCodec="AVC_3840_2160_HP@L51" captureFps="29.97p" formatFps="29.97p"/>
		<VideoLayout pixel="3840" numOfVerticalLine="2160" aspectRatio="16:9"/>
	</VideoFormat>
	<Device manufacturer="Sony" modelName="ILCE-7M3" serialNo="3345612"/>
</NonRealTimeMeta>`;
