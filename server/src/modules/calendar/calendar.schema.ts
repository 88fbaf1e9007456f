import { Type, type Static } from 'typebox'
import { MAX_WORKING_DAYS } from './calendar.service.js'

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '日期 YYYY-MM-DD（北京时间）' })

export const WorkdaysQuery = Type.Object({
  from: IsoDate,
  days: Type.Integer({ minimum: 0, maximum: MAX_WORKING_DAYS, description: '工作日数；提交当日为第 0 天，次一工作日为第 1 天；0 表示当日（非工作日则顺延）' }),
})
export type WorkdaysQuery = Static<typeof WorkdaysQuery>

export const WorkdaysReply = Type.Object({
  from: IsoDate,
  days: Type.Integer(),
  date: IsoDate,
})

export const CalendarDay = Type.Object({
  day: IsoDate,
  isWorkday: Type.Boolean({ description: 'false：法定节假日；true：调休上班日' }),
  name: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
})

export const CalendarYearQuery = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) })
export type CalendarYearQuery = Static<typeof CalendarYearQuery>

export const CalendarDayList = Type.Object({ year: Type.Integer(), items: Type.Array(CalendarDay) })

export const DayParams = Type.Object({ day: IsoDate })
export type DayParams = Static<typeof DayParams>

const DayName = Type.String({ minLength: 1, maxLength: 40, pattern: '\\S' })

export const DayInput = Type.Object({ isWorkday: Type.Boolean(), name: DayName }, { additionalProperties: false })
export type DayInput = Static<typeof DayInput>

export const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) })
export type YearParams = Static<typeof YearParams>

export const YearInput = Type.Object({
  days: Type.Array(Type.Object({ day: IsoDate, isWorkday: Type.Boolean(), name: DayName }, { additionalProperties: false }), { maxItems: 366 }),
}, { additionalProperties: false })
export type YearInput = Static<typeof YearInput>
